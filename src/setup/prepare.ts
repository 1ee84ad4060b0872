/**
 * The shared first half of every front end: load and check the environment file, apply the
 * overrides from inputs, and compute this leg's identity and the state that cleanup needs.
 */
import { computeIdentity, type Identity } from '../config/identity.js';
import type { Inputs } from '../config/inputs.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/normalize.js';
import { detectEngine } from '../docker/engine.js';
import type { LegState } from './context.js';

export interface Prepared {
  config: Config;
  identity: Identity;
  state: LegState;
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
  return { config, identity, state };
}
