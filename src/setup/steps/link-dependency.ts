/**
 * A dependency container made reachable from the cluster under the same name as in-cluster
 * placement gives it: the container joins kind's network, and a selectorless Service with an
 * EndpointSlice points `<dep>.<namespace>.svc` at its address.
 */
import { presetFor } from '../../deps/presets.js';
import { externalDependency } from '../../kube/manifests.js';
import { clusterOf, present, type StepAction } from './step.js';

export const linkDependency: StepAction<'link-dependency'> = {
  kind: 'link-dependency',
  async run(input, ctx, task) {
    const c = clusterOf(ctx);
    const started = task.need('start-container', input.fromContainer);
    const container = present(started.container, `the ${input.dep} container`);
    const p = presetFor(input.dep, ctx.config, container, ctx.postgresPassword);
    const call = { signal: task.signal, log: task.log };
    await ctx.docker.connectNetwork(c.network, container, call);
    const address = await ctx.docker.addressOn(container, c.network, call);
    const ns = ctx.config.namespace;
    await c.kubectl.apply(externalDependency(input.dep, ns, p.port, address), call);
    return { role: input.dep, values: p.values({ host: `${input.dep}.${ns}.svc`, port: p.port }) };
  },
};
