/**
 * Applies migrations through the published port, each file once (recorded in a table of our
 * own) and in its own transaction unless it says NO TRANSACTION. A failure names the file, the
 * line and the statement, and stops.
 */
import type pg from 'pg';
import type { LogSink } from '../core/log.js';
import type { Migration, Statement } from './goose.js';

export const LEDGER = 'ds_e2e_setup_migrations';

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export interface ApplyResult {
  applied: string[];
  skipped: string[];
}

export async function applyMigrations(url: string, migrations: Migration[], opts: { log?: LogSink; signal?: AbortSignal } = {}): Promise<ApplyResult> {
  const { default: pgLib } = await import('pg'); // loaded when migrations run, not at start-up
  const client = new pgLib.Client({ connectionString: url });
  client.on('error', () => {});
  const onAbort = (): void => void client.end().catch(() => {});
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const result: ApplyResult = { applied: [], skipped: [] };
  try {
    await client.connect();
    await client.query(`CREATE TABLE IF NOT EXISTS ${LEDGER} (file text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await client.query<{ file: string }>(`SELECT file FROM ${LEDGER}`)).rows.map((r) => r.file));
    for (const m of migrations) {
      opts.signal?.throwIfAborted();
      if (done.has(m.file)) {
        result.skipped.push(m.file);
        continue;
      }
      const started = Date.now();
      if (m.transaction) await client.query('BEGIN');
      try {
        for (const s of m.statements) await run(client, m, s);
        await client.query(`INSERT INTO ${LEDGER} (file) VALUES ($1)`, [m.file]);
        if (m.transaction) await client.query('COMMIT');
      } catch (err) {
        if (m.transaction) await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
      result.applied.push(m.file);
      opts.log?.write(`applied ${m.file} (${m.statements.length} statement${m.statements.length === 1 ? '' : 's'}${m.transaction ? '' : ', no transaction'}) in ${Date.now() - started} ms\n`);
    }
    return result;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await client.end().catch(() => {});
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

/** For a whole plain file, PostgreSQL's error position points into it: find that statement's line. */
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
