/**
 * PostgreSQL or Redis in the cluster, from the action's own manifests: a Secret, a Deployment
 * probed inside, a NodePort Service mapped to a reserved host port. Done when the rollout says
 * the probe passed inside and the protocol check passes from the runner through that port.
 */
import { presetFor } from '../../deps/presets.js';
import { waitUntilReady } from '../../deps/readiness.js';
import { inClusterDependency } from '../../kube/manifests.js';
import { waitForWorkload } from '../../kube/workloads.js';
import { nodeAddress, portFor, ROLLOUT_SECONDS } from '../step-context.js';
import { clusterOf, type StepAction } from './step.js';

export const startInCluster: StepAction<'start-in-cluster'> = {
  kind: 'start-in-cluster',
  async run(input, ctx, task) {
    const c = clusterOf(ctx);
    const image = task.need('preload-image', input.fromPreload);
    const p = presetFor(input.dep, ctx.config, image.localRef, ctx.postgresPassword);
    const ns = ctx.config.namespace;
    const mapping = portFor(c, input.dep);
    const call = { signal: task.signal, log: task.log };
    const memoryData = input.dep === 'postgres' && ctx.config.postgres?.storage === 'memory' ? p.data : undefined;
    await c.kubectl.apply(
      inClusterDependency({ role: input.dep, namespace: ns, image: p.image, port: p.port, nodePort: mapping.containerPort, env: p.env, probe: p.probeCommand, memoryData }),
      ns,
      call,
    );
    await waitForWorkload(c.kubectl, ns, `deployment/${input.dep}`, ROLLOUT_SECONDS, call);
    const at = nodeAddress(ctx, c, mapping);
    await waitUntilReady(`${input.dep} through ${at.host}:${at.port}`, () => p.probe(at.host, at.port), { timeoutMs: ctx.readyTimeoutMs, signal: task.signal });
    return {
      role: input.dep,
      url: p.url(at.host, at.port),
      runnerValues: p.values(at),
      values: p.values({ host: `${input.dep}.${ns}.svc`, port: p.port }),
    };
  },
};
