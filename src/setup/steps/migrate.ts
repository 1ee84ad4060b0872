/**
 * The migrations, through the address the runner reaches PostgreSQL at: a folder applied file
 * by file, or `migrateCommand` run on the runner with the runner's addresses filled in (never
 * the in-cluster names, which only pods can resolve).
 */
import { substitute } from '../../config/placeholders.js';
import { applyMigrations } from '../../migrate/apply.js';
import { staticValues } from '../step-context.js';
import { saveSnapshotLater } from './snapshot.js';
import { present, type StepAction } from './step.js';

export const migrate: StepAction<'migrate'> = {
  kind: 'migrate',
  async run(input, ctx, task) {
    const p = present(ctx.config.postgres, 'postgres');
    const postgres = task.need(['start-container', 'start-in-cluster'], input.fromPostgres);
    if (p.migrations) {
      const set = present(ctx.migrations, 'the migrations read when the run was prepared');
      const r = await applyMigrations(postgres.url, set, { log: task.log, signal: task.signal });
      task.log.write(`migrations (${set.tool}${set.table ? `, ledger ${set.table}` : ''}): ${r.applied.length} applied, ${r.skipped.length} already applied\n`);
      // the next run of the same folder starts from here
      if (postgres.snapshot && postgres.snapshot.outcome !== 'hit') saveSnapshotLater(ctx, postgres.snapshot);
      return r;
    }
    const command = present(p.migrateCommand, 'migrations or migrateCommand').map((a) => substitute(a, { ...staticValues(ctx), ...postgres.runnerValues }));
    const [cmd, ...args] = command;
    await ctx.services.runner.run(cmd, args, { cwd: ctx.config.workspace, env: { POSTGRES_URL: postgres.url }, signal: task.signal, log: task.log });
    return { command };
  },
};
