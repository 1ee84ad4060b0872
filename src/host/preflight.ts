/**
 * What the host must offer before anything is downloaded, as rules with their sources: inotify
 * limits for kind's nodes, free disk under the engine's data root, and the cgroup version that
 * the node image's Kubernetes needs. The preflight step (setup/steps/preflight.ts) gathers the
 * facts and acts on what these rules say.
 */
import { readFileSync, statfsSync, writeFileSync } from 'node:fs';

/**
 * kind's known issues, "Pod errors due to 'too many open files'"
 * (kubernetes-sigs/kind site/content/docs/user/known-issues.md): `sudo sysctl
 * fs.inotify.max_user_watches=524288` and `sudo sysctl fs.inotify.max_user_instances=512`. Those
 * are for one cluster; each cluster on the host watches as much again, so we ask for them times
 * the number of clusters (our scaling, not kind's).
 */
export const INOTIFY_PER_CLUSTER = {
  'fs.inotify.max_user_watches': 524288,
  'fs.inotify.max_user_instances': 512,
} as const;
export type InotifyKey = keyof typeof INOTIFY_PER_CLUSTER;

/** The limits below what `clusters` clusters need, each with the value it needs. */
export function inotifyShortfall(current: Partial<Record<InotifyKey, number>>, clusters: number): Partial<Record<InotifyKey, number>> {
  const out: Partial<Record<InotifyKey, number>> = {};
  for (const [key, per] of Object.entries(INOTIFY_PER_CLUSTER) as [InotifyKey, number][]) {
    const need = per * Math.max(1, clusters);
    const have = current[key];
    if (have !== undefined && have < need) out[key] = need;
  }
  return out;
}

export const sysctlFile = (key: string): string => `/proc/sys/${key.replace(/\./g, '/')}`;

/** The current values; a key the kernel does not have (another OS, a locked-down /proc) is left out. */
export function readInotify(): Partial<Record<InotifyKey, number>> {
  const out: Partial<Record<InotifyKey, number>> = {};
  for (const key of Object.keys(INOTIFY_PER_CLUSTER) as InotifyKey[]) {
    try {
      out[key] = Number(readFileSync(sysctlFile(key), 'utf8').trim());
    } catch {
      // not readable here: nothing to check
    }
  }
  return out;
}

/** Writes the values through /proc/sys, as root may; throws (EACCES, EROFS) where it may not. */
export function writeSysctls(values: Partial<Record<InotifyKey, number>>): void {
  for (const [key, value] of Object.entries(values)) writeFileSync(sysctlFile(key), `${value}\n`);
}

/** The command a user runs to raise them, as kind's known issues write it. */
export function sysctlCommand(values: Partial<Record<InotifyKey, number>>): string[] {
  return ['sudo', 'sysctl', '-w', ...Object.entries(values).map(([k, v]) => `${k}=${v}`)];
}

/**
 * Kubernetes v1.35 stops the kubelet on a cgroup v1 host: "if you are still running nodes on older
 * Linux distributions that don't support cgroup v2, your kubelet will fail to start" (the
 * Kubernetes v1.35 release blog, 2025-12-17, "Removal of cgroup v1 support"; KEP-5573). kind
 * v0.31.0's release notes follow: "kind node images at those versions will also be dropping
 * support". The engine reports the host's version (`docker info`: CgroupVersion "1" or "2").
 */
const CGROUP_V2_FROM = { major: 1, minor: 35 } as const;

export function cgroupProblem(kubernetes: string | undefined, cgroupVersion: string | undefined): string | undefined {
  const m = kubernetes ? /^v?(\d+)\.(\d+)/.exec(kubernetes) : null;
  if (!m || cgroupVersion !== '1') return undefined;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major < CGROUP_V2_FROM.major || (major === CGROUP_V2_FROM.major && minor < CGROUP_V2_FROM.minor)) return undefined;
  return (
    `the node image runs Kubernetes ${kubernetes}, whose kubelet refuses to start on cgroup v1 (Kubernetes v1.35 removed cgroup v1 support, KEP-5573), ` +
    `and this host's container engine runs cgroup v1. Use a host with cgroup v2, or Kubernetes v1.34 or older (cluster.kubernetes).`
  );
}

/**
 * What the setup may write under the engine's data root. Allowances, not published sizes:
 * kind's own docs list kindest/node v1.17.0 at 1.23 GB (site/content/docs/user/working-offline.md)
 * and kind PR #2310 a later image at 931 MB-1.13 GB, so a node image gets 1.5 GiB. An official
 * PostgreSQL or Redis image not yet on the host gets 512 MiB, and a build gets its context's size
 * plus 512 MiB for the layers it adds.
 */
export const ALLOWANCE = {
  nodeImage: 1.5 * 1024 ** 3,
  dependencyImage: 512 * 1024 ** 2,
  buildLayers: 512 * 1024 ** 2,
} as const;

export interface DiskNeed {
  /** What each part needs, in bytes, by name ("node image", "build api", "image postgres:16"). */
  parts: Record<string, number>;
  total: number;
}

export function diskNeed(parts: Record<string, number>): DiskNeed {
  return { parts, total: Object.values(parts).reduce((a, b) => a + b, 0) };
}

/** Bytes an unprivileged writer may still use on the filesystem that holds `path`; undefined when it cannot be read from here. */
export function freeBytes(path: string): number | undefined {
  try {
    const s = statfsSync(path);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n >= 100 || i === 0 ? Math.round(n) : n.toFixed(1)} ${units[i]}`;
}
