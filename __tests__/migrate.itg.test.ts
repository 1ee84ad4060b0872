/**
 * Each tool's migrations applied to a real PostgreSQL, and checked on the database afterwards:
 * the tables, functions and indexes the files make, and the tool's own ledger, row by row, so
 * that the service's migrator would find nothing left to do.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startContainer } from '../src/deps/container.js';
import { postgresPreset } from '../src/deps/presets.js';
import { Docker } from '../src/docker/docker.js';
import { ProcessRunner } from '../src/exec/runner.js';
import { applyMigrations, MigrationError } from '../src/migrate/apply.js';
import { readMigrationSet } from '../src/migrate/detect.js';
import type { MigrationTool } from '../src/migrate/types.js';
import { query } from './helpers/pg-schema.js';

const docker = new Docker(new ProcessRunner());
const labels = { 'io.github.ds-e2e-setup.leg': `migrate-itg-${process.pid}` };
let admin: string;
let n = 0;
const dirs: string[] = [];

beforeAll(async () => {
  const preset = postgresPreset({ image: 'ds-e2e-test/postgres:15', user: 'app', database: 'app', password: 'pw-migrate-itg' });
  admin = (await startContainer(docker, preset, { name: `migrate-itg-${process.pid}`, labels, readyTimeoutMs: 60_000 })).url;
});
afterAll(async () => {
  await docker.removeContainers(await docker.containers(labels));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});


/** A fresh database for each folder. */
async function fresh(): Promise<string> {
  const name = `m${++n}`;
  await query(admin, `CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

interface Outcome {
  url: string;
  error?: Error;
  applied?: string[];
}

async function migrate(files: Record<string, string>, opts: { tool?: MigrationTool; table?: string; env?: Record<string, string>; url?: string } = {}): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  dirs.push(dir);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  const url = opts.url ?? (await fresh());
  try {
    const set = readMigrationSet({ path: dir, tool: opts.tool, table: opts.table }, opts.env ?? {});
    return { url, applied: (await applyMigrations(url, set)).applied };
  } catch (err) {
    return { url, error: err as Error };
  }
}

const tables = async (url: string) =>
  (await query<{ t: string }>(url, `SELECT schemaname || '.' || tablename AS t FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`)).map((r) => r.t);

const GOOSE = {
  '001_schema.sql': [
    '-- +goose Up',
    'CREATE TABLE accounts (id bigint PRIMARY KEY); -- a note after the ";" still ends it',
    'CREATE TABLE orders (id bigint PRIMARY KEY, account bigint REFERENCES accounts);',
    '',
    '-- +goose Down',
    'DROP TABLE orders;',
    'DROP TABLE accounts;',
  ].join('\n'),
  '002_function.sql': [
    '-- +goose Up',
    '-- +goose StatementBegin',
    'CREATE FUNCTION order_count(a bigint) RETURNS bigint AS $$',
    'BEGIN',
    '  RETURN (SELECT count(*) FROM orders WHERE account = a);',
    'END;',
    '$$ LANGUAGE plpgsql;',
    '-- +goose StatementEnd',
    '-- +goose Down',
    'DROP FUNCTION order_count(bigint);',
  ].join('\n'),
  '003_index.sql': '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY orders_account ON orders (account);\n-- +goose Down\nDROP INDEX orders_account;\n',
  '004_envsub.sql': '-- +goose Up\n-- +goose ENVSUB ON\nCREATE TABLE ${TENANT}_events (id int, kind text DEFAULT \'${KIND:-created}\');\n-- +goose ENVSUB OFF\n',
};

describe('goose', () => {
  test('every rule on a real database, and goose_db_version exactly as goose v3 writes it', async () => {
    const r = await migrate(GOOSE, { env: { TENANT: 'acme' } });
    expect(r.error).toBeUndefined();
    expect(await tables(r.url)).toEqual(['public.accounts', 'public.acme_events', 'public.goose_db_version', 'public.orders']);
    expect(await query(r.url, `SELECT column_default FROM information_schema.columns WHERE table_name = 'acme_events' AND column_name = 'kind'`)).toEqual([{ column_default: "'created'::text" }]);
    expect(await query(r.url, `SELECT proname FROM pg_proc WHERE proname = 'order_count'`)).toEqual([{ proname: 'order_count' }]);
    expect(await query(r.url, `SELECT indexname FROM pg_indexes WHERE indexname = 'orders_account'`)).toHaveLength(1);
    // the version-0 row goose inserts with the table, then one applied row per file
    expect(await query(r.url, 'SELECT id, version_id::text, is_applied FROM goose_db_version ORDER BY id')).toEqual(
      [0, 1, 2, 3, 4].map((v, i) => ({ id: i + 1, version_id: String(v), is_applied: true })),
    );
    expect(
      await query(r.url, `SELECT column_name, data_type, is_nullable, is_identity, identity_generation, column_default FROM information_schema.columns WHERE table_name = 'goose_db_version' ORDER BY ordinal_position`),
    ).toEqual([
      { column_name: 'id', data_type: 'integer', is_nullable: 'NO', is_identity: 'YES', identity_generation: 'BY DEFAULT', column_default: null },
      { column_name: 'version_id', data_type: 'bigint', is_nullable: 'NO', is_identity: 'NO', identity_generation: null, column_default: null },
      { column_name: 'is_applied', data_type: 'boolean', is_nullable: 'NO', is_identity: 'NO', identity_generation: null, column_default: null },
      { column_name: 'tstamp', data_type: 'timestamp without time zone', is_nullable: 'NO', is_identity: 'NO', identity_generation: null, column_default: 'now()' },
    ]);
    expect(await query(r.url, `SELECT constraint_type FROM information_schema.table_constraints WHERE table_name = 'goose_db_version' AND constraint_type = 'PRIMARY KEY'`)).toHaveLength(1);
    // as `goose up` would: nothing left to do
    const again = await migrate(GOOSE, { env: { TENANT: 'acme' }, url: r.url });
    expect(again).toEqual({ url: r.url, applied: [] });
  });

  test('the ledger table can be named, schema-qualified, as goose -table does', async () => {
    const url = await fresh();
    await query(url, 'CREATE SCHEMA ops');
    const r = await migrate({ '001_a.sql': '-- +goose Up\nCREATE TABLE a (id int);\n' }, { table: 'ops.goose_versions', url });
    expect(r.error).toBeUndefined();
    expect(await tables(url)).toEqual(['ops.goose_versions', 'public.a']);
    expect(await query(url, 'SELECT version_id::int AS v FROM ops.goose_versions ORDER BY id')).toEqual([{ v: 0 }, { v: 1 }]);
  });
});

describe('golang-migrate', () => {
  test('schema_migrations holds the last version, clean; a broken file leaves its version dirty, which the next run refuses', async () => {
    const files = {
      '1_accounts.up.sql': 'CREATE TABLE accounts (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint);\n',
      '1_accounts.down.sql': 'DROP TABLE orders;\nDROP TABLE accounts;\n',
      '2_index.up.sql': 'CREATE INDEX orders_id ON orders (id);\n',
    };
    const r = await migrate(files);
    expect(r.error).toBeUndefined();
    expect(await tables(r.url)).toEqual(['public.accounts', 'public.orders', 'public.schema_migrations']);
    expect(await query(r.url, 'SELECT version::int AS version, dirty FROM schema_migrations')).toEqual([{ version: 2, dirty: false }]);
    expect(await query(r.url, `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'schema_migrations' ORDER BY ordinal_position`)).toEqual([
      { column_name: 'version', data_type: 'bigint', is_nullable: 'NO' },
      { column_name: 'dirty', data_type: 'boolean', is_nullable: 'NO' },
    ]);

    const broken = await migrate({ ...files, '3_broken.up.sql': 'CREATE TABLE fine (id int);\n\nCREATE TABLE broken (id nosuchtype);\n', '4_after.up.sql': 'CREATE TABLE after (id int);\n' }, { url: r.url });
    expect(broken.error).toBeInstanceOf(MigrationError);
    expect(broken.error?.message).toMatch(/^migration 3_broken\.up\.sql failed at line 3: type "nosuchtype" does not exist/);
    expect(await query(r.url, 'SELECT version::int AS version, dirty FROM schema_migrations')).toEqual([{ version: 3, dirty: true }]);
    expect(await tables(r.url)).not.toContain('public.after');
    const next = await migrate({ ...files, '3_broken.up.sql': 'CREATE TABLE fine2 (id int);\n' }, { url: r.url });
    expect(next.error?.message).toBe('Dirty database version 3. Fix and force version.');
  });
});

describe('dbmate', () => {
  test('schema_migrations has one row per applied version; transaction:false runs outside a transaction', async () => {
    const r = await migrate({
      '20240101000000_accounts.sql': '-- migrate:up\ncreate table accounts (id bigint primary key);\n\n-- migrate:down\ndrop table accounts;\n',
      '20240102000000_index.sql': '-- migrate:up transaction:false\ncreate index concurrently accounts_id on accounts (id);\n\n-- migrate:down\ndrop index accounts_id;\n',
    });
    expect(r.error).toBeUndefined();
    expect(await tables(r.url)).toEqual(['public.accounts', 'public.schema_migrations']);
    expect(await query(r.url, 'SELECT version FROM schema_migrations ORDER BY version')).toEqual([{ version: '20240101000000' }, { version: '20240102000000' }]);
    expect(await query(r.url, `SELECT indexname FROM pg_indexes WHERE indexname = 'accounts_id'`)).toHaveLength(1);
  });
});

describe('plain SQL', () => {
  test('each file whole, in order; no ledger, and none of ours', async () => {
    const r = await migrate({ '2_seed.sql': 'INSERT INTO a VALUES (1);', '1_schema.sql': 'CREATE TABLE a (id int);' });
    expect(r.error).toBeUndefined();
    expect(await tables(r.url)).toEqual(['public.a']);
    expect(await query(r.url, 'SELECT id FROM a')).toEqual([{ id: 1 }]);
  });
});

describe('bad input: the error names the file and the line, and nothing runs after it', () => {
  const ok = { '001_first.sql': '-- +goose Up\nCREATE TABLE first (id int);\n', '003_third.sql': '-- +goose Up\nCREATE TABLE third (id int);\n' };

  test.each([
    ['unfinished SQL', { '002_second.sql': '-- +goose Up\nCREATE TABLE second (id int);\nCREATE TABLE more (id int)\n' }, {}, /^002_second\.sql:3: unexpected unfinished SQL query/],
    ['two Up annotations', { '002_second.sql': '-- +goose Up\nSELECT 1;\n-- +goose Up\n' }, {}, /^002_second\.sql:3: duplicate '-- \+goose Up' annotations/],
    ['an unknown annotation', { '002_second.sql': '-- +goose Up\n-- +goose Statement Begin\nSELECT 1;\n' }, {}, /^002_second\.sql:2: unknown annotation/],
    ['an unset ${VAR?message}', { '002_second.sql': '-- +goose Up\n-- +goose ENVSUB ON\nCREATE SCHEMA ${TENANT?set TENANT};\n' }, {}, /^002_second\.sql:3: variable substitution failed: \$TENANT: set TENANT/],
    ['a duplicate version', { '1_again.sql': '-- +goose Up\nSELECT 1;\n' }, {}, /^(1_again|001_first)\.sql: duplicate version 1/],
    ['a .go migration', { '002_backfill.go': 'package migrations\n' }, {}, /^002_backfill\.go: a Go migration runs only inside the service's own binary.*migrateCommand/],
    ['mixed styles', { '002_second.up.sql': 'SELECT 1;' }, {}, /the folder mixes migration styles: 001_first\.sql \(goose\), 002_second\.up\.sql \(golang-migrate\)/],
  ])('%s', async (_case, bad, _opts, message) => {
    const r = await migrate({ ...ok, ...bad });
    expect(r.error?.message).toMatch(message);
    // refused while reading: not even the first file ran
    expect(await tables(r.url)).toEqual([]);
  });

  test('a broken statement: the files before it stay applied and recorded, its own is rolled back, none after it runs', async () => {
    const r = await migrate({ ...ok, '002_second.sql': '-- +goose Up\nCREATE TABLE second (id int);\n\nCREATE TABLE broken (id nosuchtype);\n' });
    expect(r.error).toBeInstanceOf(MigrationError);
    expect(r.error?.message).toMatch(/^migration 002_second\.sql failed at line 4: type "nosuchtype" does not exist\n {2}statement: CREATE TABLE broken \(id nosuchtype\);/);
    expect(await tables(r.url)).toEqual(['public.first', 'public.goose_db_version']);
    expect(await query(r.url, 'SELECT version_id::int AS v FROM goose_db_version ORDER BY id')).toEqual([{ v: 0 }, { v: 1 }]);
  });
});
