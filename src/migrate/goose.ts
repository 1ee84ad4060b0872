/**
 * Reads a migrations folder: goose-style `NNN_name.sql` files ordered by their number, of
 * which only the `-- +goose Up` part is applied, statements split at a `;` that ends a line
 * unless they sit between `StatementBegin` and `StatementEnd`, and `-- +goose NO TRANSACTION`
 * honoured. A plain `.sql` file (no goose annotations) is applied whole.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Migration {
  file: string;
  /** The number before the first `_`; plain files without one sort after, by name. */
  version?: bigint;
  statements: Statement[];
  transaction: boolean;
}

export interface Statement {
  sql: string;
  /** 1-based line in the file where the statement starts. */
  line: number;
}

export class MigrationParseError extends Error {
  override name = 'MigrationParseError';
}

const ANNOTATION = /^--\s*\+goose\s+(.+?)\s*$/i;

export function readMigrations(dir: string): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.sql'))
    .map((f) => ({ f, version: /^(\d+)_/.exec(f)?.[1] }));
  const seen = new Map<string, string>();
  for (const { f, version } of files) {
    if (version === undefined) continue;
    const key = BigInt(version).toString();
    if (seen.has(key)) throw new MigrationParseError(`${f} and ${seen.get(key)} have the same version ${key}`);
    seen.set(key, f);
  }
  files.sort((a, b) => {
    if (a.version !== undefined && b.version !== undefined) {
      const d = BigInt(a.version) - BigInt(b.version);
      return d < 0n ? -1 : d > 0n ? 1 : 0;
    }
    if (a.version !== undefined) return -1;
    if (b.version !== undefined) return 1;
    return a.f.localeCompare(b.f);
  });
  return files.map(({ f, version }) => parseMigration(f, readFileSync(join(dir, f), 'utf8'), version));
}

export function parseMigration(file: string, text: string, version?: string): Migration {
  const lines = text.split(/\r?\n/);
  const isGoose = lines.some((l) => ANNOTATION.test(l.trim()));
  const v = version === undefined ? undefined : BigInt(version);
  if (!isGoose) {
    const body = text.trim();
    return { file, version: v, statements: body ? [{ sql: body, line: 1 }] : [], transaction: true };
  }

  let section: 'none' | 'up' | 'down' = 'none';
  let inBlock = false;
  let transaction = true;
  let sawUp = false;
  const statements: Statement[] = [];
  let buffer: string[] = [];
  let start = 0;
  const flush = (): void => {
    const sql = buffer.join('\n').trim();
    if (sql) statements.push({ sql, line: start });
    buffer = [];
  };

  lines.forEach((raw, i) => {
    const line = raw.trim();
    const note = ANNOTATION.exec(line)?.[1].toLowerCase();
    if (note !== undefined) {
      if (note === 'up') {
        flush();
        section = 'up';
        sawUp = true;
      } else if (note === 'down') {
        if (inBlock) throw new MigrationParseError(`${file}:${i + 1}: +goose Down inside a StatementBegin block`);
        flush();
        section = 'down';
      } else if (note === 'statementbegin') {
        if (section === 'up') flush();
        inBlock = true;
      } else if (note === 'statementend') {
        if (!inBlock) throw new MigrationParseError(`${file}:${i + 1}: StatementEnd without StatementBegin`);
        inBlock = false;
        if (section === 'up') flush();
      } else if (note === 'no transaction') {
        transaction = false;
      } else if (!note.startsWith('envsub')) {
        throw new MigrationParseError(`${file}:${i + 1}: unknown annotation "-- +goose ${note}"`);
      }
      return;
    }
    if (section !== 'up') return;
    if (buffer.length === 0) {
      if (line === '' || line.startsWith('--')) return; // comments between statements are not statements
      start = i + 1;
    }
    buffer.push(raw);
    if (!inBlock && line.endsWith(';')) flush();
  });
  if (inBlock) throw new MigrationParseError(`${file}: StatementBegin is never ended`);
  if (!sawUp) throw new MigrationParseError(`${file}: has goose annotations but no "-- +goose Up" section`);
  flush();
  return { file, version: v, statements, transaction };
}
