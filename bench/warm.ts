/**
 * A second run starts from the migrated database: the action run three times on a generated goose
 * folder of 50 files (tables, partitioned tables, functions, indexes), through a real Actions
 * cache server on loopback, every container removed between runs as on a new runner:
 * cold, warm (snapshot hit), then warm after one new file (prefix hit). Each wall time runs from
 * process start to "ready and migrated" (the end of the migrate task). The warm database must
 * answer the same schema queries as the cold one.
 *
 * Run once per storage, each with its own folder and cache: with `storage: memory` (the
 * default) a cold start is already close to the floor of starting the containers, so the
 * snapshot saves less of it than with `storage: disk`, where initdb and the migrations pay for
 * the disk.
 *
 * The PostgreSQL image stays on the host between runs, so that the runs differ only in the
 * database: fetching the image again (a pull on the cold run, a load from the image cache on the
 * warm one) would add about the same to both.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { CacheServer } from '../__tests__/helpers/cache-server.js';
import { RunnerFiles, runAction } from '../__tests__/helpers/run.js';
import { makeWorkspace } from '../__tests__/helpers/workspace.js';
import { report } from './util.js';

function file(i: number): string {
  const t = `t${i}`;
  const lines = ['-- +goose Up'];
  if (i % 5 === 0) {
    lines.push(`CREATE TABLE ${t} (id bigint NOT NULL, at date NOT NULL, v text) PARTITION BY RANGE (at);`);
    for (const y of [2024, 2025, 2026]) lines.push(`CREATE TABLE ${t}_${y} PARTITION OF ${t} FOR VALUES FROM ('${y}-01-01') TO ('${y + 1}-01-01');`);
  } else {
    lines.push(`CREATE TABLE ${t} (id bigserial PRIMARY KEY, name text NOT NULL, at timestamptz DEFAULT now());`);
    lines.push(`CREATE INDEX ${t}_name ON ${t} (name);`);
  }
  if (i % 3 === 0) {
    lines.push('-- +goose StatementBegin', `CREATE FUNCTION ${t}_count() RETURNS bigint AS $$`, 'BEGIN', `  RETURN (SELECT count(*) FROM ${t});`, 'END;', '$$ LANGUAGE plpgsql;', '-- +goose StatementEnd');
  }
  lines.push('-- +goose Down', `DROP TABLE ${t};`, '');
  return lines.join('\n');
}

async function schema(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const q = async (sql: string) => JSON.stringify((await c.query(sql)).rows);
    return [
      await q(`SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`),
      await q(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`),
      await q(`SELECT proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE nspname = 'public' ORDER BY 1`),
      await q('SELECT version_id, is_applied FROM goose_db_version ORDER BY id'),
    ].join('\n');
  } finally {
    await c.end();
  }
}

export async function benchWarm(): Promise<void> {
  for (const storage of ['memory', 'disk'] as const) await warmOn(storage);
}

async function warmOn(storage: 'memory' | 'disk'): Promise<void> {
  const cache = await new CacheServer().start();
  const ws = makeWorkspace({ 'e2e.yaml': `name: warm\npostgres:\n  image: ds-e2e-test/postgres:15\n  database: app\n  user: app\n  storage: ${storage}\n  migrations: migrations\n` });
  mkdirSync(join(ws.dir, 'migrations'));
  for (let i = 1; i <= 50; i++) writeFileSync(join(ws.dir, 'migrations', `${String(i).padStart(3, '0')}_step.sql`), file(i));
  const run = async (): Promise<{ ms: number; schema: string; out: string }> => {
    const runner = new RunnerFiles();
    const env = { GITHUB_WORKSPACE: ws.dir, ...cache.env() };
    const started = Date.now();
    const main = await runAction('main', runner.processEnv({ config: 'e2e.yaml' }, env));
    if (main.code !== 0) throw new Error(`warm bench run failed:\n${main.stdout.slice(-2000)}`);
    const outputs = runner.outputs();
    const migrated = (JSON.parse(outputs.timings) as { task: string; end: string }[]).find((t) => t.task === 'migrate');
    const ms = Date.parse(migrated?.end ?? '') - started;
    const s = await schema(outputs['postgres-url']);
    await runAction('post', runner.postEnv({}, env)); // every container goes, as on a new runner
    return { ms, schema: s, out: main.stdout };
  };
  try {
    const cold = await run();
    const warm = await run();
    writeFileSync(join(ws.dir, 'migrations', '051_more.sql'), '-- +goose Up\nCREATE TABLE t51 (id int);\n');
    const more = await run();
    const same = warm.schema === cold.schema;
    const hit = warm.out.includes('postgres snapshot: hit') && more.out.includes('postgres snapshot: prefix');
    report(`warm (${storage}): snapshot hit`, { cold_ms: cold.ms, warm_ms: warm.ms, 'warm/cold': warm.ms / cold.ms, same_schema: String(same) }, { ok: warm.ms <= 0.3 * cold.ms && same && hit, text: 'warm <= 0.3 x cold, the same schema' });
    report(`warm (${storage}): new file`, { cold_ms: cold.ms, new_file_ms: more.ms, 'new_file/cold': more.ms / cold.ms }, { ok: more.ms <= 0.4 * cold.ms, text: 'one new file <= 0.4 x cold' });
  } finally {
    await cache.stop();
    rmSync(ws.dir, { recursive: true, force: true });
  }
}
