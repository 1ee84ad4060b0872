/** Turns what users write (`v1.34.1`, `1.34.1`, `1.34`) into one exact version. */
import * as tc from '@actions/tool-cache';
import { EXACT, isExactVersion, MINOR } from '../config/versions.js';
import { DEFAULT_RETRY, fetchText, type RetryPolicy } from './http.js';

export { isExactVersion, isVersionOrMinor } from '../config/versions.js';

export class VersionError extends Error {
  override name = 'VersionError';
}

export function exactVersion(input: string, field: string): string {
  const m = EXACT.exec(input.trim());
  if (!m) throw new VersionError(`${field}: expected a version such as v0.32.0, got "${input}"`);
  return `v${m[1]}`;
}

/**
 * kubectl: an exact version as is; a minor through `stable-1.X.txt` beside the releases (on the
 * mirror when `kubectl-url` points at one). If that cannot be reached, the newest patch of that
 * minor already in the tool-cache is used, so a warm runner works offline.
 */
export async function resolveKubectlVersion(
  input: string,
  urlTemplate: string,
  opts: { arch: string; retry?: RetryPolicy; signal?: AbortSignal; warn?: (m: string) => void },
): Promise<string> {
  if (isExactVersion(input)) return exactVersion(input, 'kubectl-version');
  const m = MINOR.exec(input.trim());
  if (!m) throw new VersionError(`kubectl-version: expected v1.34.1, 1.34.1 or a minor such as 1.34, got "${input}"`);
  const at = urlTemplate.indexOf('{version}');
  if (at < 0) throw new VersionError(`kubectl-version: the minor "${input}" needs a kubectl-url with {version}, to find stable-${m[1]}.${m[2]}.txt`);
  const url = `${urlTemplate.slice(0, at)}stable-${m[1]}.${m[2]}.txt`;
  try {
    const text = (await fetchText(url, opts.retry ?? DEFAULT_RETRY, opts.signal)).trim();
    const found = /^v?(\d+)\.(\d+)\.\d+$/.exec(text);
    if (!found || found[1] !== m[1] || found[2] !== m[2]) throw new VersionError(`${url} holds "${text.slice(0, 40)}", not a ${m[1]}.${m[2]} version`);
    return exactVersion(text, url);
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    const cached = tc
      .findAllVersions('kubectl', opts.arch)
      .filter((v) => v.startsWith(`${m[1]}.${m[2]}.`))
      .sort((a, b) => Number(b.split('.')[2]) - Number(a.split('.')[2]));
    if (cached.length === 0) throw new VersionError(`kubectl-version ${input}: cannot resolve it: ${(err as Error).message}`, { cause: err });
    opts.warn?.(`kubectl-version ${input}: ${(err as Error).message}; using v${cached[0]} from the tool-cache`);
    return `v${cached[0]}`;
  }
}
