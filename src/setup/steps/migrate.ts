/**
 * The migrations, through the address the runner reaches PostgreSQL at: a folder applied file
 * by file, or `migrateCommand` run on the runner with the runner's addresses filled in (never
 * the in-cluster names, which only pods can resolve).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { substitute } from '../../config/placeholders.js';
import { captureSnapshot } from '../../deps/snapshot.js';
import { withPathLock } from '../../host/lock.js';
import { applyMigrations } from '../../migrate/apply.js';
import { readMigrationSet } from '../../migrate/detect.js';
import { staticValues } from '../step-context.js';
import { present, type StepAction } from './step.js';

export const migrate: StepAction<'migrate'> = {
  kind: 'migrate',
  async run(input, ctx, task) {
    const p = present(ctx.config.postgres, 'postgres');
    const postgres = task.need(['start-container', 'start-in-cluster'], input.fromPostgres);
    if (p.migrations) {
      const set = readMigrationSet(p.migrations);
      const r = await applyMigrations(postgres.url, set, { log: task.log, signal: task.signal });
      task.log.write(`migrations (${set.tool}${set.table ? `, ledger ${set.table}` : ''}): ${r.applied.length} applied, ${r.skipped.length} already applied\n`);
      const snapshot = postgres.snapshot;
      if (snapshot && snapshot.outcome !== 'hit') {
        // off the critical path: the next run of the same folder starts from here
        const full = join(ctx.config.workspace, snapshot.file);
        const container = ctx.identity.container('postgres');
        ctx.later(`snapshot of ${container}`, (log) =>
          withPathLock(full, async () => {
            try {
              await captureSnapshot(ctx.docker, container, p.user, full, { log });
              if (await ctx.cache.save([snapshot.file], snapshot.key)) log.write(`postgres snapshot saved as ${snapshot.key}\n`);
            } finally {
              rmSync(full, { force: true });
            }
          }),
        );
      }
      return r;
    }
    const command = present(p.migrateCommand, 'migrations or migrateCommand').map((a) => substitute(a, { ...staticValues(ctx), ...postgres.runnerValues }));
    const [cmd, ...args] = command;
    await ctx.services.runner.run(cmd, args, { cwd: ctx.config.workspace, env: { POSTGRES_URL: postgres.url }, signal: task.signal, log: task.log });
    return { command };
  },
};
