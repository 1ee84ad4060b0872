/**
 * PostgreSQL or Redis as a container of this leg beside the cluster (or with no cluster at all),
 * its port published on 127.0.0.1, ready when its protocol check passes. Under act the job
 * reaches it by container name on the leg's network.
 *
 * PostgreSQL with migrations and a cache starts from a snapshot of the migrated database when one
 * fits (snapshot.ts): the role gets this run's password before anything is handed out, and the
 * tool's ledger must show the files the snapshot claims, else it is thrown away, with a warning,
 * and the database starts empty.
 */
import { roleLabel, startContainer as start, type StartedContainer, type StartOptions } from '../../deps/container.js';
import { reservePorts } from '../../host/ports.js';
import { presetFor, type Preset } from '../../deps/presets.js';
import { setPassword } from '../../deps/snapshot.js';
import { errorMessage } from '../../core/errors.js';
import { ledgerShows } from '../../migrate/ledger.js';
import { postgresStorage, type StepContext } from '../step-context.js';
import type { SnapshotUse } from './results.js';
import { restoreSnapshot, snapshotPlan, type SnapshotPlan } from './snapshot.js';
import { present, type StepAction } from './step.js';

export const startContainer: StepAction<'start-container'> = {
  kind: 'start-container',
  async run(input, ctx, task) {
    const image = task.need('pull-image', input.fromPull);
    // Created from the id, so the containers run the very image that was checked (and that keys
    // the snapshot), though another leg on this host moves the tag meanwhile.
    task.log.write(`${input.dep}: ${image.localRef} is ${image.id}\n`); // the name behind the id in the lines below
    const p = presetFor(input.dep, ctx.config, image.id, ctx.postgresPassword);
    const name = ctx.identity.container(input.dep);
    const inContainer = ctx.reach.kind === 'container' ? ctx.reach : undefined;
    const opts: StartOptions = {
      name,
      labels: ctx.identity.labels,
      imageName: image.localRef,
      readyTimeoutMs: ctx.readyTimeoutMs,
      storage: input.dep === 'postgres' ? postgresStorage(ctx, task.log) : undefined,
      network: inContainer?.network,
      via: inContainer ? () => ({ host: name, port: p.port }) : undefined,
      // with a cluster, link-dependency joins it to kind's network: its host port must not move then
      hostPort: ctx.cluster && !inContainer ? (await reservePorts(1, ctx.identity.clusterName))[0] : undefined,
      signal: task.signal,
      log: task.log,
    };
    const plan = input.dep === 'postgres' ? snapshotPlan(ctx, image.id) : undefined;
    const restored = plan && (await fromSnapshot(ctx, plan, p, opts));
    const started = restored?.started ?? (await start(ctx.docker, p, opts));
    const snapshot = restored?.use;
    if (snapshot) task.log.write(`postgres snapshot: ${snapshot.outcome}, key ${snapshot.key}\n`);
    const runner = new URL(started.url);
    // With a cluster, link-dependency gives it its in-cluster name; without, the host's address is the only one.
    return {
      role: input.dep,
      url: started.url,
      runnerValues: p.values({ host: runner.hostname, port: Number(runner.port) }),
      values: p.values({ host: '127.0.0.1', port: started.hostPort }),
      container: started.network,
      ...(snapshot ? { snapshot } : {}),
    };
  },
};

/**
 * PostgreSQL started on a restored snapshot and checked, with what the snapshot did; no `started`
 * (and nothing left running) when it does not hold up. The cache restore runs beside the start
 * of the network holder; on a miss the database starts empty in the same containers.
 */
async function fromSnapshot(ctx: StepContext, plan: SnapshotPlan, p: Preset, opts: StartOptions): Promise<{ started?: StartedContainer; use: SnapshotUse }> {
  const pg = present(ctx.config.postgres, 'postgres');
  const miss = (why?: string): { use: SnapshotUse } => ({ use: { outcome: 'miss', key: plan.key, newFiles: plan.set.migrations.length, file: plan.file, ...(why ? { why } : {}) } });
  const restoring = restoreSnapshot(ctx, plan).catch((err: unknown) => {
    ctx.services.logger.warn(`postgres snapshot could not be restored, starting empty: ${errorMessage(err)}`);
    return undefined;
  });
  let started: StartedContainer | undefined;
  try {
    started = await start(ctx.docker, p, {
      ...opts,
      restore: {
        fetch: restoring.then((r) =>
          r && {
            archive: r.archive,
            prepare: (holder) => setPassword(ctx.docker, holder, pg.user, pg.database, ctx.postgresPassword, { signal: opts.signal, log: opts.log }),
          },
        ),
      },
    });
  } catch (err) {
    const restored = await restoring;
    if (!restored) throw err; // an empty start that failed is the step's failure
    return miss(await dropSnapshot(ctx, opts, restored.key, err));
  }
  const restored = await restoring;
  if (!restored) return { started, use: miss().use };
  try {
    const { default: pgLib } = await import('pg');
    const client = new pgLib.Client({ connectionString: started.url });
    client.on('error', () => {});
    await client.connect();
    try {
      if (!(await ledgerShows(client, plan.set, restored.files))) throw new Error(`its ${plan.set.tool} ledger does not show the first ${restored.files} files of the folder`);
    } finally {
      await client.end().catch(() => {});
    }
  } catch (err) {
    return miss(await dropSnapshot(ctx, opts, restored.key, err));
  }
  const newFiles = plan.set.migrations.length - restored.files;
  return { started, use: { outcome: newFiles === 0 ? 'hit' : 'prefix', key: plan.key, restored: restored.key, newFiles, file: plan.file } };
}

/** A snapshot that did not hold up: warned about, its containers removed, so the cold path starts clean; why, in one line. */
async function dropSnapshot(ctx: StepContext, opts: StartOptions, key: string, err: unknown): Promise<string> {
  ctx.services.logger.warn(`postgres snapshot ${key} was not used, starting empty: ${errorMessage(err)}`);
  const call = { signal: opts.signal, log: opts.log }; // in the task's log: what was removed before the cold path
  await ctx.docker.removeContainers(await ctx.docker.containers({ ...opts.labels, [roleLabel]: 'postgres' }, call), call);
  return errorMessage(err).split('\n')[0];
}
