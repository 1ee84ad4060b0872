/** The version patterns users write (`v1.34.1`, `1.34.1`, `1.34`): one set, for input checks and tool installs alike. */
export const EXACT = /^v?(\d+\.\d+\.\d+)$/;
export const MINOR = /^v?(\d+)\.(\d+)$/;

/** `v1.34.1` or `1.34.1`: what kind and Kubernetes versions are written as. */
export const isExactVersion = (input: string): boolean => EXACT.test(input.trim());
/** An exact version, or a minor such as `1.34`: what kubectl-version accepts. */
export const isVersionOrMinor = (input: string): boolean => isExactVersion(input) || MINOR.test(input.trim());
