/**
 * golang-migrate v4 migrations, read as migrate v4.19.1 reads them: file names match
 * `^([0-9]+)_(.*)\.(down|up)\.(.*)$` (source/parse.go), the version an unsigned 64-bit number;
 * other files are skipped; two up files of one version are refused ("duplicate migration file").
 * The PostgreSQL driver sends an up file whole, in one Exec (database/postgres/postgres.go, Run).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MigrationParseError, type Migration } from './types.js';

export const MIGRATE_FILE = /^([0-9]+)_(.*)\.(down|up)\.(.*)$/;

export function readGolangMigrate(dir: string): Migration[] {
  const seen = new Map<string, string>();
  const ups = readdirSync(dir)
    .map((f) => ({ f, m: MIGRATE_FILE.exec(f) }))
    .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null && x.m[3] === 'up')
    .map(({ f, m }) => {
      const version = BigInt(m[1]);
      if (version > 2n ** 64n - 1n) throw new MigrationParseError(f, undefined, `version ${m[1]} does not fit golang-migrate's 64-bit version`);
      const key = version.toString();
      const other = seen.get(key);
      if (other) throw new MigrationParseError(f, undefined, `duplicate migration file: ${other} has version ${key} too`);
      seen.set(key, f);
      return { f, version: key };
    })
    .sort((a, b) => (BigInt(a.version) < BigInt(b.version) ? -1 : 1));
  return ups.map(({ f, version }) => {
    const text = readFileSync(join(dir, f), 'utf8');
    // a blank file is skipped by the driver, but still recorded as the version
    return { file: f, version, transaction: false, sections: [text.trim() ? [{ sql: text, line: 1 }] : []] };
  });
}
