/**
 * Plain SQL files: every `.sql` file applied whole, in one transaction each, ordered by the
 * number before the first `_` when there is one (numerically), then by name. No tool owns the
 * database afterwards, so no ledger is written.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Migration } from './types.js';

export function readPlain(dir: string): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.sql'))
    .map((f) => ({ f, n: /^(\d+)_/.exec(f)?.[1] }));
  files.sort((a, b) => {
    if (a.n !== undefined && b.n !== undefined && a.n !== b.n) return BigInt(a.n) < BigInt(b.n) ? -1 : 1;
    if (a.n !== undefined && b.n === undefined) return -1;
    if (a.n === undefined && b.n !== undefined) return 1;
    return a.f.localeCompare(b.f);
  });
  return files.map(({ f, n }) => {
    const text = readFileSync(join(dir, f), 'utf8').trim();
    return { file: f, version: n ?? f, transaction: true, sections: [text ? [{ sql: text, line: 1 }] : []] };
  });
}
