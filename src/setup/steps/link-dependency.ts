/**
 * A dependency container made reachable from the cluster under the same name as in-cluster
 * placement gives it, `<dep>.<namespace>.svc`: the container that holds its network joins kind's
 * network, and a selectorless Service with an EndpointSlice (IPv4 or IPv6, as the cluster) points
 * at its address there. The holder keeps that address when a test restarts the dependency.
 */
import { presetFor } from '../../deps/presets.js';
import { externalDependency } from '../../kube/manifests.js';
import { clusterOf, present, type StepAction } from './step.js';

export const linkDependency: StepAction<'link-dependency'> = {
  kind: 'link-dependency',
  async run(input, ctx, task) {
    const c = clusterOf(ctx);
    const started = task.need('start-container', input.fromContainer);
    const holder = present(started.container, `the ${input.dep} container`);
    // only its port and placeholder values are needed here: the image it names does not matter
    const p = presetFor(input.dep, ctx.config, present(ctx.config[input.dep], input.dep).image, ctx.postgresPassword);
    const call = { signal: task.signal, log: task.log };
    await ctx.docker.connectNetwork(c.network, holder, call);
    const address = await ctx.docker.addressOn(holder, c.network, c.networking.ipFamily, call);
    const ns = ctx.config.namespace;
    await c.kubectl.apply(externalDependency(input.dep, ns, p.port, address), ns, call);
    return { role: input.dep, values: p.values({ host: `${input.dep}.${ns}.svc`, port: p.port }), address };
  },
};
