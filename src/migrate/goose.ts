/**
 * goose v3 migrations, read as goose v3.27.3 reads them (pressly/goose internal/sqlparser/parser.go,
 * ParseSQLMigration, and migration.go/migrate.go for file names):
 * - An annotation is a line that starts with `--` (after whitespace) and contains `+goose`: `Up`,
 *   `Down`, `StatementBegin`, `StatementEnd`, `NO TRANSACTION`, `ENVSUB ON`, `ENVSUB OFF`, in any
 *   case. Anything else, leading whitespace, or a second `+goose` is an error.
 * - One `Up`, then at most one `Down`; SQL before `Up` is an error, and so is a file without `Up`.
 * - Before a statement starts, comment and empty lines are skipped; once it has started every line
 *   is kept. Outside StatementBegin/End a statement ends at a line whose last word before any
 *   word starting with `--` ends with `;` (endsWithSemicolon), so `SELECT 1; -- note` ends one and
 *   `SELECT 1 -- ;` does not. Statements are sent trimmed.
 * - SQL left without its `;` when the Up section ends is an error ("unfinished SQL query").
 * - ENVSUB substitutes the lines written between `ENVSUB ON` and `ENVSUB OFF` (the Down section's
 *   too, since goose substitutes before it drops them), with the values of this process's environment.
 * - `<version>_<name>.sql`, the version a positive 64-bit integer; `.go` migrations need the
 *   service's own binary; duplicate versions are refused.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { interpolate } from './interpolate.js';
import { MigrationParseError, type Migration, type Statement } from './types.js';

const ANNOTATIONS = ['Up', 'Down', 'StatementBegin', 'StatementEnd', 'NO TRANSACTION', 'ENVSUB ON', 'ENVSUB OFF'] as const;
type Annotation = (typeof ANNOTATIONS)[number];

const DOCS = 'see https://github.com/pressly/goose#sql-migrations';

type State = 'start' | 'up' | 'up-block' | 'up-block-end' | 'down' | 'down-block' | 'down-block-end';

function annotationOf(line: string): Annotation {
  if (line.startsWith(' ') || line.startsWith('\t')) throw new Error(`${JSON.stringify(line)} contains leading whitespace: invalid annotation`);
  let cmd = line.split('--').join('').replace('+goose', '');
  if (cmd.includes('+goose')) throw new Error(`${JSON.stringify(cmd)} contains multiple '+goose' annotations: invalid annotation`);
  cmd = cmd.trim();
  if (cmd === '') throw new Error('empty annotation');
  const found = ANNOTATIONS.find((a) => a.toLowerCase() === cmd.toLowerCase());
  if (!found) throw new Error(`${JSON.stringify(cmd)} not supported: invalid annotation`);
  return found;
}

/** The last whitespace-separated word before any word starting with `--` ends with `;`. */
export function endsWithSemicolon(line: string): boolean {
  let prev = '';
  for (const word of line.split(/\s+/).filter(Boolean)) {
    if (word.startsWith('--')) break;
    prev = word;
  }
  return prev.endsWith(';');
}

export interface GooseOptions {
  env?: Record<string, string | undefined>;
}

/** The Up statements of one goose file, and whether they run in a transaction. */
export function parseGoose(file: string, text: string, version: string, opts: GooseOptions = {}): Migration {
  const env = opts.env ?? process.env;
  const fail = (line: number | undefined, message: string, cause?: unknown): never => {
    throw new MigrationParseError(file, line, message, cause === undefined ? undefined : { cause });
  };
  // bufio.Scanner's lines: split at \n, a trailing \r dropped, no empty last line after a final \n
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  let state = 'start' as State; // (widened: the callback below moves it)
  let transaction = true;
  let envsub = false;
  let buf: string[] = [];
  let bufLine = 0;
  const statements: Statement[] = [];
  const unfinished = (): never =>
    fail(bufLine, `unexpected unfinished SQL query: ${JSON.stringify(buf.join('\n').trim())}: missing semicolon? (goose stops here: each statement outside StatementBegin/StatementEnd must end with ";")`);

  lines.forEach((line, i) => {
    const n = i + 1;
    if (state === 'start' && line.trim() === '') return;
    if (line.trim().startsWith('--') && line.includes('+goose')) {
      let cmd: Annotation;
      try {
        cmd = annotationOf(line);
      } catch (err) {
        return fail(n, `unknown annotation ${JSON.stringify(line)}: ${(err as Error).message}`, err);
      }
      if (cmd === 'Up') {
        if (state !== 'start') fail(n, `duplicate '-- +goose Up' annotations; ${DOCS}`);
        state = 'up';
        return;
      }
      if (cmd === 'Down') {
        if (state !== 'up' && state !== 'up-block-end') fail(n, `must start with '-- +goose Up' annotation, and have at most one '-- +goose Down'; ${DOCS}`);
        if (buf.join('\n').trim()) unfinished();
        state = 'down';
        return;
      }
      if (cmd === 'StatementBegin') {
        if (state === 'up' || state === 'up-block-end') state = 'up-block';
        else if (state === 'down' || state === 'down-block-end') state = 'down-block';
        else fail(n, `'-- +goose StatementBegin' must be defined after '-- +goose Up' or '-- +goose Down' annotation; ${DOCS}`);
        return;
      }
      if (cmd === 'StatementEnd') {
        if (state === 'up-block') state = 'up-block-end';
        else if (state === 'down-block') state = 'down-block-end';
        else fail(n, `'-- +goose StatementEnd' must be defined after '-- +goose StatementBegin'; ${DOCS}`);
        // goose falls through here: the line itself is not kept, and it ends the statement
      } else {
        if (cmd === 'NO TRANSACTION') transaction = false;
        else envsub = cmd === 'ENVSUB ON';
        return;
      }
    }
    // leading comments and empty lines before a statement are not part of it
    if (buf.length === 0 && (line.trim().startsWith('--') || line === '')) return;
    if (state !== 'up-block-end' && state !== 'down-block-end') {
      let kept = line;
      if (envsub) {
        try {
          kept = interpolate(line, env);
        } catch (err) {
          fail(n, `variable substitution failed: ${(err as Error).message}: ${line}`, err);
        }
      }
      if (buf.length === 0) bufLine = n;
      buf.push(kept);
    }
    if (state === 'start') fail(n, `SQL before '-- +goose Up': unexpected state 0 on line ${JSON.stringify(line)}; ${DOCS}`);
    if (state.startsWith('down')) {
      buf = []; // going up: the Down section is read for its annotations only
      if (state === 'down-block-end') state = 'down';
      return;
    }
    if ((state === 'up' && endsWithSemicolon(line)) || state === 'up-block-end') {
      statements.push({ sql: buf.join('\n').trim(), line: bufLine });
      buf = [];
      if (state === 'up-block-end') state = 'up';
    }
  });
  if (state === 'start') fail(undefined, `must start with '-- +goose Up' annotation; ${DOCS}`);
  if (state === 'up-block' || state === 'down-block') fail(undefined, "missing '-- +goose StatementEnd' annotation");
  if (buf.join('\n').trim()) unfinished();
  return { file, version, transaction, sections: [statements] };
}

/** goose's NumericComponent: the part before the first `_`, a positive 64-bit integer. */
function gooseVersion(file: string): string {
  const at = file.indexOf('_');
  if (at < 0) throw new MigrationParseError(file, undefined, "no filename separator '_' found: goose names files <version>_<name>.sql");
  const digits = file.slice(0, at);
  let v: bigint;
  try {
    if (!/^[+-]?\d+$/.test(digits)) throw new Error(digits);
    v = BigInt(digits);
  } catch {
    throw new MigrationParseError(file, undefined, `failed to parse version from migration file: "${digits}" is not a number`);
  }
  if (v <= 0n) throw new MigrationParseError(file, undefined, 'migration version must be greater than zero');
  if (v > 2n ** 63n - 1n) throw new MigrationParseError(file, undefined, `version ${digits} does not fit goose's 64-bit version`);
  return v.toString();
}

/** A goose folder (not recursive), in version order. */
export function readGoose(dir: string, opts: GooseOptions = {}): Migration[] {
  const names = readdirSync(dir).sort();
  const go = names.find((f) => f.endsWith('.go') && !f.endsWith('_test.go') && /^\d+_/.test(f));
  if (go) {
    throw new MigrationParseError(
      go,
      undefined,
      'a Go migration runs only inside the service\'s own binary, where it is registered; use `postgres.migrateCommand` to run that binary (e.g. [./bin/migrate, up]) instead of `migrations`',
    );
  }
  const byVersion = new Map<string, string>();
  const found = names
    .filter((f) => f.endsWith('.sql'))
    .map((f) => {
      const version = gooseVersion(f);
      const other = byVersion.get(version);
      if (other) throw new MigrationParseError(f, undefined, `duplicate version ${version}: ${other} has it too`);
      byVersion.set(version, f);
      return { f, version };
    })
    .sort((a, b) => (BigInt(a.version) < BigInt(b.version) ? -1 : 1));
  return found.map(({ f, version }) => parseGoose(f, readFileSync(join(dir, f), 'utf8'), version, opts));
}
