/**
 * Applies a migration set through the published port, as its tool does: goose's statements,
 * golang-migrate's and dbmate's files (sections) whole, one transaction per file unless the file
 * opts out, and the tool's own ledger written alongside (ledger.ts). Versions the ledger already
 * holds are skipped. The first failure stops everything after it and names the file, the line and
 * the statement.
 *
 * A transaction's statements travel in one message (BEGIN, the statements, the ledger row,
 * COMMIT): PostgreSQL runs them one by one as if sent apart, and a round trip per statement would
 * otherwise cost more than the statements. If that message fails, the transaction is rolled back
 * and the file is run again statement by statement inside a transaction that is rolled back too,
 * to name the statement that fails. A file without a transaction (goose's NO TRANSACTION,
 * dbmate's transaction:false) sends each statement on its own, since PostgreSQL would run a
 * multi-statement message in a transaction block.
 */
import type pg from 'pg';
import type { LogSink } from '../core/log.js';
import { ledgerFor } from './ledger.js';
import type { Migration, MigrationSet, Statement } from './types.js';

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export interface ApplyResult {
  tool: MigrationSet['tool'];
  applied: string[];
  skipped: string[];
}

export async function applyMigrations(url: string, set: MigrationSet, opts: { log?: LogSink; signal?: AbortSignal } = {}): Promise<ApplyResult> {
  const { default: pgLib } = await import('pg'); // loaded when migrations run, not at start-up
  const client = new pgLib.Client({ connectionString: url });
  client.on('error', () => {});
  const onAbort = (): void => void client.end().catch(() => {});
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const result: ApplyResult = { tool: set.tool, applied: [], skipped: [] };
  const ledger = ledgerFor(set);
  try {
    await client.connect();
    const done = await ledger.open(client);
    await ledger.check?.(client);
    const newest = [...done].reduce<bigint | undefined>((max, v) => (/^\d+$/.test(v) && (max === undefined || BigInt(v) > max) ? BigInt(v) : max), undefined);
    for (const m of set.migrations) {
      opts.signal?.throwIfAborted();
      // golang-migrate keeps only the newest version: everything up to it is applied
      const applied = done.has(m.version) || (set.tool === 'golang-migrate' && newest !== undefined && BigInt(m.version) <= newest);
      if (applied) {
        result.skipped.push(m.file);
        continue;
      }
      const started = Date.now();
      if (ledger.setVersion) await ledger.setVersion(client, m.version, true);
      const record = ledger.recordSql?.(client, m.version);
      for (const section of m.sections) {
        if (m.transaction) await inTransaction(client, m, section, record);
        else {
          for (const s of section) await run(client, m, s);
          if (record) await client.query(record);
        }
      }
      if (ledger.setVersion) await ledger.setVersion(client, m.version, false);
      result.applied.push(m.file);
      const count = m.sections.reduce((n, s) => n + s.length, 0);
      opts.log?.write(`applied ${m.file} (${count} statement${count === 1 ? '' : 's'}${m.transaction ? '' : ', no transaction'}) in ${Date.now() - started} ms\n`);
    }
    return result;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await client.end().catch(() => {});
  }
}

async function inTransaction(client: pg.Client, m: Migration, section: Statement[], record?: string): Promise<void> {
  // `;` on a line of its own after each statement: a statement may end in a `-- comment`, or
  // (a StatementBegin block) without a `;`; an empty statement is nothing to PostgreSQL
  const text = ['BEGIN;', ...section.map((s) => `${s.sql}\n;`), ...(record ? [`${record};`] : []), 'COMMIT;'].join('\n');
  try {
    await client.query(text);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    // again, one statement at a time, to name the one that fails; nothing of it is kept
    await client.query('BEGIN');
    try {
      for (const s of section) await run(client, m, s);
    } finally {
      await client.query('ROLLBACK').catch(() => {});
    }
    const last = section[section.length - 1];
    throw new MigrationError(`migration ${m.file} failed when it was recorded or committed${last ? ` (after line ${last.line})` : ''}: ${(err as Error).message}`, { cause: err });
  }
}

async function run(client: pg.Client, m: Migration, s: Statement): Promise<void> {
  try {
    await client.query(s.sql);
  } catch (err) {
    const e = err as Error & { position?: string };
    const { line, text } = locate(s, e.position);
    throw new MigrationError(`migration ${m.file} failed at line ${line}: ${e.message}\n  statement: ${oneLine(text)}`, { cause: err });
  }
}

/** For a whole file, PostgreSQL's error position points into it: find that statement's line. */
function locate(s: Statement, position?: string): { line: number; text: string } {
  const at = Number(position);
  if (!at || !(at > 0)) return { line: s.line, text: s.sql };
  const before = s.sql.slice(0, at - 1);
  const from = before.lastIndexOf(';') + 1;
  const to = s.sql.indexOf(';', at - 1);
  return { line: s.line + before.split('\n').length - 1, text: s.sql.slice(from, to < 0 ? undefined : to + 1).trim() };
}

function oneLine(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}
