/**
 * Every node Ready and CoreDNS rolled out: what `kind create --wait` would wait for, waited for
 * beside the rest of the graph instead of before it (objects can be applied while nodes come up),
 * and only by the final readiness wait. With a network the user installs (disableDefaultCNI,
 * kubeProxyMode: none) nodes are not Ready until their deploy runs, so nothing waits here.
 */
import { clusterOf, type StepAction } from './step.js';

const NODES_WAIT_SECONDS = 180;

export const nodesReady: StepAction<'nodes-ready'> = {
  kind: 'nodes-ready',
  async run(_input, ctx, task) {
    const c = clusterOf(ctx);
    if (c.networking.ownNetwork) {
      task.log.write('the kind config disables the default CNI or kube-proxy: not waiting for nodes Ready or CoreDNS; the deploy installs the network\n');
      return { waited: false };
    }
    const call = { signal: task.signal, log: task.log };
    await c.kubectl.nodesReady(NODES_WAIT_SECONDS, call);
    await c.kubectl.rolloutStatus('kube-system', 'deployment/coredns', NODES_WAIT_SECONDS, call);
    return { waited: true };
  },
};
