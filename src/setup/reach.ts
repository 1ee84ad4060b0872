/**
 * Where the job runs relative to docker. On GitHub's runners and laptops it runs on the host,
 * so published 127.0.0.1 ports reach everything. Under act the job runs in a container beside
 * the cluster: 127.0.0.1 is the wrong host. There the job container joins a network of this
 * leg's (and kind's), and every address handed to the tests is a container name and port.
 */
import { hostname } from 'node:os';
import type { Identity } from '../config/identity.js';
import type { Docker } from '../docker/docker.js';
import type { Logger } from '../core/log.js';

export type Reach = { kind: 'host' } | { kind: 'container'; job: string; network: string };

export async function detectReach(env: NodeJS.ProcessEnv, docker: Docker, identity: Identity, logger: Logger): Promise<Reach> {
  if (!env.ACT) return { kind: 'host' };
  const job = await docker.containerId(hostname());
  if (!job) {
    logger.warn('ACT is set, but this process is not in a container docker knows; addresses stay on 127.0.0.1');
    return { kind: 'host' };
  }
  const network = identity.container('net');
  await docker.createNetwork(network, identity.labels);
  await docker.connectNetwork(network, job);
  logger.info(`act: the job container ${job.slice(0, 12)} joined ${network}; endpoints use container names`);
  return { kind: 'container', job, network };
}
