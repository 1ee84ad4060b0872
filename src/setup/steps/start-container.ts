/**
 * PostgreSQL or Redis as a container of this leg beside the cluster (or with no cluster at all),
 * its port published on 127.0.0.1, ready when its protocol check passes. Under act the job
 * reaches it by container name on the leg's network.
 */
import { startContainer as start } from '../../deps/container.js';
import { presetFor } from '../../deps/presets.js';
import type { StepAction } from './step.js';

export const startContainer: StepAction<'start-container'> = {
  kind: 'start-container',
  async run(input, ctx, task) {
    const image = task.need('pull-image', input.fromPull);
    const p = presetFor(input.dep, ctx.config, image.localRef, ctx.postgresPassword);
    const name = ctx.identity.container(input.dep);
    const inContainer = ctx.reach.kind === 'container' ? ctx.reach : undefined;
    const started = await start(ctx.docker, p, {
      name,
      labels: ctx.identity.labels,
      readyTimeoutMs: ctx.readyTimeoutMs,
      network: inContainer?.network,
      via: inContainer ? () => ({ host: name, port: p.port }) : undefined,
      signal: task.signal,
      log: task.log,
    });
    const runner = new URL(started.url);
    // With a cluster, link-dependency gives it its in-cluster name; without, the host's address is the only one.
    return {
      role: input.dep,
      url: started.url,
      runnerValues: p.values({ host: runner.hostname, port: Number(runner.port) }),
      values: p.values({ host: '127.0.0.1', port: started.hostPort }),
      container: started.network,
    };
  },
};
