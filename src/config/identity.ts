/**
 * Everything that names this leg on this host, computed once and passed down: the cluster,
 * container and network names, labels, the work folder and the kubeconfig path. Two matrix
 * legs on one host differ in their matrix values, so they get different names; the same leg
 * computes the same names in `main` and in `post` (or in `up` and `down`).
 */
import { createHash } from 'node:crypto';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface IdentityInput {
  name: string;
  /** The `matrix` input: `toJSON(matrix)`, or empty outside a matrix. */
  matrix?: string;
  runId?: string;
  runAttempt?: string;
  /** The runner's name, else the host's name. */
  host?: string;
  /** The environment file, so that two files with one `name` on a laptop do not collide. */
  configFile: string;
  /** `cluster-name` input: used as given. */
  clusterName?: string;
  /** RUNNER_TEMP, else the system temp folder. */
  tempRoot?: string;
}

export interface Identity {
  /** Short hash of everything that makes this leg unique. */
  key: string;
  clusterName: string;
  /** Labels put on every container, network and volume this leg makes; cleanup finds them by these. */
  labels: Record<string, string>;
  workDir: string;
  kubeconfig: string;
  diagnosticsDir: string;
  /** The docker name of a container this leg runs, e.g. `container('postgres')`. */
  container(role: string): string;
}

export const LABEL_PREFIX = 'io.github.ds-e2e-setup';
/** kind names its node containers `<cluster>-control-plane`: keep the whole under docker's and DNS's limits. */
const MAX_CLUSTER_NAME = 40;

export function computeIdentity(input: IdentityInput): Identity {
  const key = shortHash(
    canonicalJson({
      name: input.name,
      matrix: parseMatrix(input.matrix),
      run: input.runId ?? 'local',
      attempt: input.runAttempt ?? '1',
      host: input.host ?? hostname(),
      config: input.configFile,
    }),
  );
  const clusterName = input.clusterName ?? fitName(`${input.name}-${key}`, MAX_CLUSTER_NAME);
  const workDir = join(input.tempRoot ?? tmpdir(), 'ds-e2e-setup', clusterName);
  return {
    key,
    clusterName,
    labels: { [`${LABEL_PREFIX}.leg`]: clusterName, [`${LABEL_PREFIX}.env`]: input.name },
    workDir,
    kubeconfig: join(workDir, 'kubeconfig'),
    diagnosticsDir: join(workDir, 'diagnostics'),
    container: (role) => `${clusterName}-${role}`,
  };
}

export function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** Lowercase, [a-z0-9-], at most `max` long; a cut name keeps a hash of the whole so it stays unique. */
export function fitName(raw: string, max: number): string {
  const clean = raw.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  if (clean.length <= max) return clean;
  const suffix = shortHash(raw, 6);
  return `${clean.slice(0, max - suffix.length - 1).replace(/-$/, '')}-${suffix}`;
}

function parseMatrix(text: string | undefined): unknown {
  if (!text || text.trim() === '' || text.trim() === 'null') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text; // a matrix that is not JSON still identifies the leg as text
  }
}

/** JSON with object keys sorted at every depth, so equal matrices hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
