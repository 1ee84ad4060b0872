/**
 * The core of `post` and `ds-e2e-setup down`: diagnostics first when the run failed, then
 * remove exactly what this leg made, found by its labels and its cluster name. What is already
 * gone is fine, so `down` can run twice.
 */
import { Docker } from '../docker/docker.js';
import { writeContainerDiagnostics } from '../docker/diagnostics.js';
import type { LegState, Services } from './context.js';

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

export async function down(state: LegState, services: Services, opts: DownOptions): Promise<DownResult> {
  const docker = new Docker(services.runner, state.provider);
  const result: DownResult = { diagnostics: [], removed: { containers: [], networks: [], volumes: [] }, kept: false };
  if (opts.diagnostics) {
    result.diagnostics = await writeContainerDiagnostics(docker, state.labels, state.diagnosticsDir, services.secrets.mask);
    services.logger.info(`diagnostics written to ${state.diagnosticsDir}`);
  }
  if (state.cleanup === 'never' || (state.cleanup === 'on-success' && opts.failed)) {
    services.logger.info(`cleanup: ${state.cleanup}; leaving ${state.clusterName} in place`);
    result.kept = true;
    return result;
  }
  const containers = await docker.containers(state.labels);
  await docker.removeContainers(containers);
  const networks = await docker.networks(state.labels);
  await docker.removeNetworks(networks);
  const volumes = await docker.volumes(state.labels);
  await docker.removeVolumes(volumes);
  result.removed = { containers, networks, volumes };
  services.logger.info(
    `removed ${containers.length} container(s), ${networks.length} network(s), ${volumes.length} volume(s) of ${state.clusterName}`,
  );
  return result;
}
