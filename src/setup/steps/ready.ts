/** Every `wait:` workload at once, then every exposed service's health path answering 2xx through its port. */
import { urlHost } from '../../core/address.js';
import { waitForHttp } from '../../kube/health.js';
import { waitForWorkloads } from '../../kube/workloads.js';
import { nodeAddress, portFor, ROLLOUT_SECONDS } from '../step-context.js';
import { clusterOf, present, type StepAction } from './step.js';

export const ready: StepAction<'ready'> = {
  kind: 'ready',
  async run(_input, ctx, task) {
    const c = clusterOf(ctx);
    const d = present(ctx.config.deploy, 'deploy');
    const call = { signal: task.signal, log: task.log };
    await waitForWorkloads(c.kubectl, ctx.config.namespace, d.wait, ROLLOUT_SECONDS, call);
    const endpoints: Record<string, string> = {};
    for (const [name, e] of Object.entries(d.expose)) {
      const at = nodeAddress(ctx, c, portFor(c, `expose:${name}`));
      const url = `http://${urlHost(at.host)}:${at.port}`;
      const ms = await waitForHttp(`${url}${e.health ?? '/'}`, { timeoutMs: ROLLOUT_SECONDS * 1000, signal: task.signal });
      task.log.write(`${name}: ${url}${e.health ?? '/'} answered 2xx after ${ms} ms\n`);
      endpoints[name] = url;
    }
    return { endpoints };
  },
};
