/**
 * Where the job runs relative to docker. On GitHub's runners and laptops it runs on the host,
 * so published 127.0.0.1 ports reach everything. In a container of its own (act's job container,
 * a GitHub `jobs.<id>.container`, a runner that is itself a container) on a bridge network,
 * 127.0.0.1 is that container: there the job container joins a network of this leg's (and
 * kind's), and every address handed to the tests is a container name and port. A container on
 * the host's network (act's default) reaches 127.0.0.1 like the host.
 */
import { readFileSync } from 'node:fs';
import type { Identity } from '../config/identity.js';
import type { Docker } from '../docker/docker.js';
import type { Logger } from '../core/log.js';

export type Reach = { kind: 'host' } | { kind: 'container'; job: string; network: string };

/**
 * This process's container, from its own mounts: docker bind-mounts each container's hostname,
 * hosts and resolv.conf from `…/containers/<id>/` (podman from `…/overlay-containers/<id>/`).
 * Not the hostname: on the host's network a container's hostname is the host's.
 */
export function ownContainerId(mountinfo: string): string | undefined {
  return /containers\/([0-9a-f]{64})\/(?:userdata\/)?(?:hostname|hosts|resolv\.conf)\b/.exec(mountinfo)?.[1];
}

function readMountinfo(): string {
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return ''; // not Linux: never in a container docker runs
  }
}

export async function detectReach(env: NodeJS.ProcessEnv, docker: Docker, identity: Identity, logger: Logger, mountinfo = readMountinfo()): Promise<Reach> {
  const id = ownContainerId(mountinfo);
  if (!id) return { kind: 'host' };
  const mode = await docker.networkMode(id);
  if (mode === undefined) {
    logger.warn(`this job runs in container ${id.slice(0, 12)}, which the docker daemon does not know (another daemon?); addresses stay on 127.0.0.1`);
    return { kind: 'host' };
  }
  // the host's network: 127.0.0.1 is the host's
  if (mode === 'host') return { kind: 'host' };
  // another container's network, none, or rootless podman's user-mode networks: no second network can be joined
  if (mode.startsWith('container:') || ['none', 'slirp4netns', 'pasta', 'private'].includes(mode) || mode.startsWith('slirp4netns:') || mode.startsWith('pasta:')) {
    logger.warn(`this job's container is on network "${mode}", which cannot join another network; addresses stay on 127.0.0.1`);
    return { kind: 'host' };
  }
  const network = identity.container('net');
  await docker.createNetwork(network, identity.labels);
  await docker.connectNetwork(network, id);
  logger.info(`${env.ACT ? 'act: the' : 'The'} job container ${id.slice(0, 12)} (network ${mode}) joined ${network}; endpoints use container names`);
  return { kind: 'container', job: id, network };
}
