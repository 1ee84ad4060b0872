/**
 * The migrated database as a snapshot in the cache (placement: docker, a tool with a ledger):
 * keyed by the image, the database, the user, the tool and every file's statements (one key per
 * prefix of the folder), restored when the folder, or a prefix of it, was migrated before, then
 * checked against the tool's own ledger before it is trusted.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR } from '../../cache/cache.js';
import { captureFolder, captureSnapshot } from '../../deps/snapshot.js';
import { withPathLock } from '../../host/lock.js';
import { prefixHashes } from '../../migrate/snapshot-key.js';
import type { MigrationSet } from '../../migrate/types.js';
import { platformKey } from '../../tools/platform.js';
import { postgresStorage, type StepContext } from '../step-context.js';
import type { SnapshotUse } from './results.js';
import { present } from './step.js';

/** One path for every key: @actions/cache versions an entry by its path strings, and a prefix hit must restore into the same one. */
const SNAPSHOT_FILE = join(CACHE_DIR, 'pgdata', 'snapshot.tar');
/** The archive's layout (its one folder is `pgdata`): a change to it must never restore an old entry. */
const SNAPSHOT_FORMAT = 'pgdata/2';
/** The cache's restore keys: at most ten in all, so the nine newest prefixes. */
const PREFIXES = 9;

export interface SnapshotPlan {
  set: MigrationSet;
  key: string;
  keyFor: (files: number) => string;
  /** Relative to the workspace. */
  file: string;
}

/** The key names the image by the id the containers are made from. */
export function snapshotPlan(ctx: StepContext, imageId: string): SnapshotPlan | undefined {
  const pg = ctx.config.postgres;
  const set = ctx.migrations;
  if (!ctx.cache.enabled || !pg || !set) return undefined;
  if (set.tool === 'sql' || set.migrations.length === 0) return undefined; // no ledger to check a snapshot against
  const hashes = prefixHashes(`${SNAPSHOT_FORMAT}\0${imageId}\0${pg.database}\0${pg.user}`, set);
  const keyFor = (files: number): string => `ds-e2e-setup-pgdata-${platformKey(ctx.platform)}-${files}-${hashes[files - 1]}`;
  return { set, key: keyFor(hashes.length), keyFor, file: SNAPSHOT_FILE };
}

/** The newest snapshot of the folder or of a prefix of it: its archive and how many files it holds. */
export async function restoreSnapshot(ctx: StepContext, plan: SnapshotPlan): Promise<{ archive: Buffer; files: number; key: string } | undefined> {
  const n = plan.set.migrations.length;
  const prefixes = Array.from({ length: Math.min(PREFIXES, n - 1) }, (_, i) => plan.keyFor(n - 1 - i));
  const full = join(ctx.config.workspace, plan.file);
  return withPathLock(full, async () => {
    try {
      const hit = await ctx.cache.restore([plan.file], plan.key, prefixes);
      if (!hit) return undefined;
      const files = hit === plan.key ? n : n - 1 - prefixes.indexOf(hit);
      return { archive: readFileSync(full), files, key: hit };
    } finally {
      rmSync(full, { force: true });
    }
  });
}

/** Captures this run's migrated database and saves it under its key, off the critical path (up() awaits it after the graph). */
export function saveSnapshotLater(ctx: StepContext, use: SnapshotUse): void {
  const full = join(ctx.config.workspace, use.file);
  const container = ctx.identity.container('postgres');
  const { user, database } = present(ctx.config.postgres, 'postgres');
  const storage = postgresStorage(ctx) ?? 'disk';
  ctx.later(`snapshot of ${container}`, (log) =>
    withPathLock(full, async () => {
      try {
        await captureSnapshot(ctx.docker, container, user, database, full, captureFolder(storage), { log });
        if (await ctx.cache.save([use.file], use.key)) log.write(`postgres snapshot saved as ${use.key}\n`);
      } finally {
        rmSync(full, { force: true });
      }
    }),
  );
}

export function describeSnapshot(use: SnapshotUse): string {
  if (use.outcome === 'hit') return `snapshot hit (${use.key})`;
  if (use.outcome === 'prefix') return `prefix hit (${use.newFiles} new file${use.newFiles === 1 ? '' : 's'}) from ${use.restored}; saving ${use.key}`;
  return `miss (${use.key})${use.why ? `: ${use.why}` : ''}`;
}
