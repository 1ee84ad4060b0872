/**
 * What a snapshot of the migrated database is keyed by: one hash per prefix of the folder, each
 * chaining the previous one with the next file's name, version, transaction mode and the exact
 * statements it sends (so ENVSUB's values count, and comments outside statements do not).
 * Snapshot k holds the first k files applied.
 */
import { createHash } from 'node:crypto';
import type { MigrationSet } from './types.js';

export function prefixHashes(base: string, set: MigrationSet): string[] {
  const out: string[] = [];
  let h = createHash('sha256').update(`${base}\0${set.tool}\0${set.table}`).digest('hex');
  for (const m of set.migrations) {
    h = createHash('sha256').update(`${h}\0${m.file}\0${m.version}\0${m.transaction}\0${JSON.stringify(m.sections.map((s) => s.map((x) => x.sql)))}`).digest('hex');
    out.push(h.slice(0, 20));
  }
  return out;
}
