/**
 * The action's inputs (or the CLI's flags), checked and typed. Takes a getter so it never
 * touches @actions/core itself. A bad value names the input.
 */
import { parse } from 'yaml';
import { z } from 'zod';
import { isExactVersion, isVersionOrMinor } from './versions.js';

export type CleanupPolicy = 'always' | 'on-success' | 'never';

/** The run's options, from the action's inputs or the CLI's flags. */
export interface SetupOptions {
  cache: boolean;
  cleanup: CleanupPolicy;
  timeoutMinutes?: number;
  kindVersion?: string;
  kubectlVersion?: string;
  kindUrl?: string;
  kubectlUrl?: string;
  helmVersion?: string;
  helmUrl?: string;
}

export interface Inputs extends SetupOptions {
  config: string;
  kubernetesVersion?: string;
  nodeImage?: string;
  clusterName?: string;
  matrix?: string;
}

export class InputError extends Error {
  override name = 'InputError';
}

const CLEANUP: CleanupPolicy[] = ['always', 'on-success', 'never'];

export function parseInputs(get: (name: string) => string): Inputs {
  const opt = (name: string): string | undefined => get(name).trim() || undefined;
  const config = opt('config');
  if (!config) throw new InputError('input "config": required: the path of the environment file');
  const cleanup = (opt('cleanup') ?? 'always') as CleanupPolicy;
  if (!CLEANUP.includes(cleanup)) {
    throw new InputError(`input "cleanup": expected "always", "on-success" or "never", got "${cleanup}"`);
  }
  const cache = (opt('cache') ?? 'true').toLowerCase();
  if (!['true', 'false'].includes(cache)) throw new InputError(`input "cache": expected true or false, got "${cache}"`);
  const timeout = opt('timeout-minutes');
  const timeoutMinutes = timeout === undefined ? undefined : Number(timeout);
  if (timeoutMinutes !== undefined && !(timeoutMinutes > 0)) {
    throw new InputError(`input "timeout-minutes": expected a positive number, got "${timeout}"`);
  }
  const kubernetesVersion = opt('kubernetes-version');
  if (kubernetesVersion && !isExactVersion(kubernetesVersion)) {
    throw new InputError(`input "kubernetes-version": expected a version such as v1.33.1, got "${kubernetesVersion}"`);
  }
  const clusterName = opt('cluster-name');
  if (clusterName && !/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/.test(clusterName)) {
    throw new InputError(`input "cluster-name": must be [a-z0-9-], at most 40 characters, got "${clusterName}"`);
  }
  const kindVersion = opt('kind-version');
  if (kindVersion && !isExactVersion(kindVersion)) {
    throw new InputError(`input "kind-version": expected a version such as v0.32.0, got "${kindVersion}"`);
  }
  const kubectlVersion = opt('kubectl-version');
  if (kubectlVersion && !isVersionOrMinor(kubectlVersion)) {
    throw new InputError(`input "kubectl-version": expected v1.34.1, 1.34.1 or a minor such as 1.34, got "${kubectlVersion}"`);
  }
  const helmVersion = opt('helm-version');
  if (helmVersion && !isExactVersion(helmVersion)) {
    throw new InputError(`input "helm-version": expected a version such as v3.22.0, got "${helmVersion}"`);
  }
  for (const name of ['kind-url', 'kubectl-url', 'helm-url']) {
    const url = opt(name);
    if (url && !/^https?:\/\/[^\s]+$/.test(url)) throw new InputError(`input "${name}": expected an http(s) URL template, got "${url}"`);
    // an executable fetched over plain http can be swapped on the way, checksum file and all
    if (url?.startsWith('http://') && !isLoopback(url)) {
      throw new InputError(`input "${name}": plain http is only for a mirror on this machine (localhost, 127.0.0.1, [::1]); use https for "${url}"`);
    }
  }
  return {
    config,
    kubernetesVersion: kubernetesVersion && (kubernetesVersion.startsWith('v') ? kubernetesVersion : `v${kubernetesVersion}`),
    nodeImage: opt('node-image'),
    clusterName,
    matrix: opt('matrix'),
    cache: cache === 'true',
    cleanup,
    timeoutMinutes,
    kindVersion,
    kubectlVersion,
    kindUrl: opt('kind-url'),
    kubectlUrl: opt('kubectl-url'),
    helmVersion, // written as v3.22.0 by the install, as kind-version is
    helmUrl: opt('helm-url'),
  };
}

export interface MatrixInputs {
  configs: string;
  axes: Record<string, (string | number | boolean)[]>;
  base?: string;
}

const axesSchema = z.record(z.string().regex(/^[A-Za-z_][\w-]*$/), z.array(z.union([z.string(), z.number(), z.boolean()])).min(1));

/** The inputs of `mode: plan-matrix` (and the CLI's `plan-matrix` flags). */
export function parseMatrixInputs(get: (name: string) => string): MatrixInputs {
  const configs = get('configs').trim() || '.github/e2e/*.yaml';
  const text = get('axes').trim();
  let axes: MatrixInputs['axes'] = {};
  if (text) {
    let value: unknown;
    try {
      value = parse(text);
    } catch (e) {
      throw new InputError(`input "axes": not YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
    }
    const r = axesSchema.safeParse(value);
    if (!r.success) throw new InputError(`input "axes": expected a mapping of axis name to a list of values, e.g. {kubernetes: [v1.33.1, v1.34.0]}`);
    axes = r.data;
  }
  return { configs, axes, base: get('base').trim() || undefined };
}

/** Whether an http(s) URL's host is this machine's loopback: localhost, 127.0.0.0/8 or [::1]. */
function isLoopback(url: string): boolean {
  const host = /^https?:\/\/(\[[^\]]*\]|[^/:?#]+)/.exec(url)?.[1]?.toLowerCase() ?? '';
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}
