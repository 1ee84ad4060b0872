/**
 * The core of `post` and `ds-e2e-setup down`: diagnostics first when asked for, then
 * remove exactly what this leg made, found by its labels and its cluster name. What is already
 * gone is fine, so `down` can run twice.
 */
import { join } from 'node:path';
import { Docker } from '../docker/docker.js';
import { releasePorts } from '../host/ports.js';
import { Kind } from '../kube/kind.js';
import { currentPlatform } from '../tools/platform.js';
import { installKind } from '../tools/tools.js';
import { Kubectl } from '../kube/kubectl.js';
import type { LegState, Services } from './context.js';
import { writeDiagnostics } from './diagnostics.js';

export interface DownResult {
  diagnostics: string[];
  removed: { containers: string[]; networks: string[]; volumes: string[]; cluster?: string };
  kept: boolean;
}

export interface DownOptions {
  /** The setup failed: with cleanup `on-success`, everything is kept. */
  failed: boolean;
  /** Write diagnostics before removing anything. */
  diagnostics: boolean;
}

/**
 * `up` put kind on PATH for its own process (and, in the action, for the steps after it); a
 * new process (the CLI's `down`) finds the same kind in the tool-cache again, with no network.
 */
async function findKind(state: LegState, services: Services): Promise<void> {
  try {
    const kind = await installKind({ version: state.kindVersion, urlTemplate: state.kindUrl }, { platform: currentPlatform(), tempDir: join(state.workDir, 'downloads') });
    services.addPath(kind.dir);
  } catch (err) {
    services.logger.warn(`kind could not be installed again (${(err as Error).message}); using the kind on PATH, if any`);
  }
}

export async function down(state: LegState, services: Services, opts: DownOptions): Promise<DownResult> {
  const docker = new Docker(services.runner, state.provider);
  const result: DownResult = { diagnostics: [], removed: { containers: [], networks: [], volumes: [] }, kept: false };
  const kind = state.hasCluster ? new Kind(services.runner, state.clusterName, state.provider, state.kubeconfig) : undefined;
  if (kind) await findKind(state, services);
  if (opts.diagnostics) {
    const cluster = kind && { kind, kubectl: new Kubectl(services.runner, state.kubeconfig), namespace: state.namespace };
    result.diagnostics = await writeDiagnostics({ docker, labels: state.labels, dir: state.diagnosticsDir, cluster }, services);
  }
  if (state.cleanup === 'never' || (state.cleanup === 'on-success' && opts.failed)) {
    services.logger.info(`cleanup: ${state.cleanup}; leaving ${state.clusterName} in place`);
    result.kept = true;
    return result;
  }
  if (kind) {
    // a kind that cannot run (not on PATH any more) must not keep the containers below alive
    await kind.delete().then(
      () => (result.removed.cluster = state.clusterName),
      (e: Error) => services.logger.warn(`could not delete cluster ${state.clusterName}: ${e.message}`),
    );
  }
  releasePorts(state.clusterName);
  const containers = await docker.containers(state.labels);
  await docker.removeContainers(containers);
  const networks = await docker.networks(state.labels);
  await docker.removeNetworks(networks);
  const volumes = await docker.volumes(state.labels);
  await docker.removeVolumes(volumes);
  result.removed = { ...result.removed, containers, networks, volumes };
  services.logger.info(
    `removed ${kind ? `cluster ${state.clusterName}, ` : ''}${containers.length} container(s), ${networks.length} network(s), ${volumes.length} volume(s) of ${state.clusterName}`,
  );
  return result;
}
