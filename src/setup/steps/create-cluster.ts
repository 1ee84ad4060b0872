/**
 * The kind cluster: a leftover of the same name is replaced, the config is generated with this
 * leg's port mappings and the user's kindConfig merged in, and the step ends as soon as `kind
 * create` returns, when the API server answers (no --wait: nodes-ready waits for the nodes beside
 * the rest of the graph). Under act the kubeconfig points at the node by name.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kindConfig, loopback } from '../../kube/kind-config.js';
import { clusterOf, present, type StepAction } from './step.js';

export const createCluster: StepAction<'create-cluster'> = {
  kind: 'create-cluster',
  async run(input, ctx, task) {
    const c = clusterOf(ctx);
    const cluster = present(ctx.config.cluster, 'the cluster');
    const node = task.need('pull-node-image', input.fromNodeImage);
    const call = { signal: task.signal, log: task.log };
    const { clusterName, kubeconfig, workDir } = ctx.identity;
    mkdirSync(workDir, { recursive: true, mode: 0o700 });
    const replaced = await c.kind.exists(call);
    if (replaced) {
      task.log.write(`a cluster named ${clusterName} exists already: replacing it\n`);
      await c.kind.delete(call);
    }
    const config = kindConfig({
      nodeImage: node.localRef,
      workers: cluster.workers,
      portMappings: [...c.ports.values()],
      userConfig: cluster.kindConfig,
      listenAddress: loopback(c.networking.ipFamily),
    });
    await c.kind.create(config, { config: join(workDir, 'kind.yaml'), kubeconfig }, call);
    if (ctx.reach.kind === 'container') {
      // act: the job container joins kind's network and talks to the API server by its node name
      await ctx.docker.connectNetwork(c.network, ctx.reach.job, call);
      writeFileSync(kubeconfig, await c.kind.internalKubeconfig(call));
    }
    chmodSync(kubeconfig, 0o600);
    return { clusterName, kubeconfig, replaced };
  },
};
