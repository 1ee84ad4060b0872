/**
 * The shared first half of every front end: load and check the environment file, apply the
 * overrides from inputs, and compute this leg's identity and the state that cleanup needs.
 */
import { join } from 'node:path';
import { computeIdentity, type Identity } from '../config/identity.js';
import type { Inputs } from '../config/inputs.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/normalize.js';
import { ConfigError } from '../config/errors.js';
import { displayPath } from '../config/paths.js';
import { detectEngine } from '../docker/engine.js';
import { readMigrationSet } from '../migrate/detect.js';
import { MigrationParseError, type MigrationSet } from '../migrate/types.js';
import { KIND_RELEASES, kubernetesOfImage, nodeImageFor } from '../tools/releases.js';
import { kindVersion } from '../tools/tools.js';
import type { LegState } from './context.js';

/**
 * The node image, resolved once before anything starts (a version the kind release does not list
 * is refused here, naming the ones it does), with the Kubernetes version it runs when known, so
 * that kubectl can match it.
 */
export function resolveNodeImage(cluster: NonNullable<Config['cluster']>, config: Config, inputs: Inputs): NonNullable<Config['cluster']> {
  const kind = kindVersion({ version: inputs.kindVersion });
  try {
    const nodeImage = nodeImageFor(kind, cluster.kubernetes, cluster.nodeImage);
    return { ...cluster, nodeImage, kubernetes: cluster.kubernetes ?? kubernetesOfImage(nodeImage) };
  } catch (err) {
    const field = !KIND_RELEASES[kind] ? 'input "kind-version"' : inputs.kubernetesVersion ? 'input "kubernetes-version"' : 'cluster.kubernetes';
    throw new ConfigError(displayPath(config.file, config.workspace), [`${field}: ${(err as Error).message}`]);
  }
}

export interface Prepared {
  config: Config;
  identity: Identity;
  state: LegState;
  /** The migrations folder, read with its tool's rules before anything starts. */
  migrations?: MigrationSet;
}

/**
 * The migrations folder read now, once: a file its tool would refuse stops the run before
 * anything starts, named with its line, and the steps use this set (snapshot keys, the migrate step).
 */
export function readMigrations(config: Config): MigrationSet | undefined {
  const m = config.postgres?.migrations;
  if (!m) return undefined;
  try {
    return readMigrationSet(m);
  } catch (err) {
    const where = err instanceof MigrationParseError ? `${displayPath(join(m.path, err.file), config.workspace)}${err.line ? `:${err.line}` : ''}: ` : '';
    const what = err instanceof MigrationParseError ? err.message.slice(err.message.indexOf(': ') + 2) : (err as Error).message;
    throw new ConfigError(displayPath(config.file, config.workspace), [`postgres.migrations: ${where}${what}`]);
  }
}

export function prepare(inputs: Inputs, env: NodeJS.ProcessEnv = process.env): Prepared {
  const config = loadConfig(inputs.config);
  if (config.cluster && (inputs.kubernetesVersion || inputs.nodeImage)) {
    config.cluster = {
      ...config.cluster,
      kubernetes: inputs.nodeImage ? undefined : inputs.kubernetesVersion,
      nodeImage: inputs.nodeImage,
    };
  }
  if (config.cluster) config.cluster = resolveNodeImage(config.cluster, config, inputs);
  const migrations = readMigrations(config);
  const identity = computeIdentity({
    name: config.name,
    matrix: inputs.matrix,
    runId: env.GITHUB_RUN_ID,
    runAttempt: env.GITHUB_RUN_ATTEMPT,
    host: env.RUNNER_NAME,
    configFile: config.file,
    clusterName: inputs.clusterName,
    tempRoot: env.RUNNER_TEMP || undefined,
  });
  const state: LegState = {
    env: config.name,
    clusterName: identity.clusterName,
    hasCluster: config.cluster !== undefined,
    provider: detectEngine(config.cluster?.provider, env.PATH),
    labels: identity.labels,
    workDir: identity.workDir,
    diagnosticsDir: identity.diagnosticsDir,
    kubeconfig: identity.kubeconfig,
    namespace: config.namespace,
    cleanup: inputs.cleanup,
    kindVersion: inputs.kindVersion,
    kindUrl: inputs.kindUrl,
  };
  return { config, identity, state, migrations };
}
