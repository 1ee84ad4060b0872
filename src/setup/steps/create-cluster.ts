/**
 * The kind cluster: a leftover of the same name is replaced, the config is generated with this
 * leg's port mappings and the user's kindConfig merged in, and the step ends when the nodes are
 * Ready and CoreDNS has rolled out (unless the user's config leaves the network to them). Under act
 * the kubeconfig points at the node by name.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kindConfig } from '../../kube/kind-config.js';
import { clusterOf, present, type StepAction } from './step.js';

const CREATE_WAIT_SECONDS = 120;

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
    const config = kindConfig({ nodeImage: node.localRef, workers: cluster.workers, portMappings: [...c.ports.values()], userConfig: cluster.kindConfig });
    const own = c.networking.ownNetwork;
    await c.kind.create(config, { config: join(workDir, 'kind.yaml'), kubeconfig }, own ? undefined : CREATE_WAIT_SECONDS, call);
    if (ctx.reach.kind === 'container') {
      // act: the job container joins kind's network and talks to the API server by its node name
      await ctx.docker.connectNetwork(c.network, ctx.reach.job, call);
      writeFileSync(kubeconfig, await c.kind.internalKubeconfig(call));
    }
    chmodSync(kubeconfig, 0o600);
    if (own) {
      // their deploy installs the network (manifests apply in order); until then no node is Ready
      task.log.write('the kind config disables the default CNI or kube-proxy: not waiting for nodes Ready or CoreDNS; the deploy installs the network\n');
    } else {
      await c.kubectl.nodesReady(CREATE_WAIT_SECONDS, call);
      await c.kubectl.rolloutStatus('kube-system', 'deployment/coredns', CREATE_WAIT_SECONDS, call);
    }
    return { clusterName, kubeconfig, replaced, waitedForNodes: !own };
  },
};
