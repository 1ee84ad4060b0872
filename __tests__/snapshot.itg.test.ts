/**
 * A second run starts from the migrated database: the action, run twice through a real Actions
 * cache server on loopback, with every container removed between the runs as on a new runner.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { CacheServer } from './helpers/cache-server.js';
import { PGDATA } from '../src/deps/presets.js';
import { imageId, labelled, legVolumes, leftovers, mountedVolumes, pgDataFs, volumeExists } from './helpers/docker.js';
import { ROOT, RunnerFiles, runAction } from './helpers/run.js';
import { schema } from './helpers/pg-schema.js';
import { makeWorkspace, type Workspace } from './helpers/workspace.js';

let cache: CacheServer;
let ws: Workspace;

beforeAll(async () => {
  cache = await new CacheServer().start();
  ws = makeWorkspace({ 'e2e.yaml': 'name: snap\npostgres:\n  image: ds-e2e-test/postgres:15\n  database: app\n  user: app\n  migrations: migrations\n' });
  cpSync(join(ROOT, 'examples/datastorage/migrations'), join(ws.dir, 'migrations'), { recursive: true });
});
afterAll(async () => {
  await cache.stop();
  ws.remove();
});

/** One run: main, the schema it hands over, then post (which removes every container, and the volumes they mount). */
async function run(query: (url: string) => Promise<unknown> = async () => undefined) {
  const runner = new RunnerFiles();
  const env = { GITHUB_WORKSPACE: ws.dir, ...cache.env() };
  const main = await runAction('main', runner.processEnv({ config: 'e2e.yaml' }, env));
  const url = runner.outputs()['postgres-url'];
  const labels = JSON.parse(runner.saved().leg).labels as Record<string, string>;
  let seen: unknown;
  let volumes: string[] = [];
  try {
    volumes = legVolumes(labels);
    seen = main.code === 0 ? await query(url) : undefined;
  } finally {
    // post runs whatever the looks above threw, so a failed test leaves no database behind
    expect((await runAction('post', runner.postEnv({}, env))).code).toBe(0);
  }
  expect(leftovers(labels).containers).toEqual([]);
  expect(volumes.filter(volumeExists)).toEqual([]);
  return { main, url, seen, volumes, summary: readFileSync(runner.summary, 'utf8') };
}

describe('snapshots of the migrated database', () => {
  test('a cold run saves it; the next run starts from it, with a password of its own, and answers the same schema', async () => {
    const cold = await run(schema);
    expect(cold.main.code).toBe(0);
    expect(cold.main.stdout).toContain('postgres snapshot: miss');
    expect(cold.main.stdout).toMatch(/postgres snapshot saved as ds-e2e-setup-pgdata-[a-z0-9-]+-3-[0-9a-f]{20}/);
    expect(cache.saved().filter((k) => k.startsWith('ds-e2e-setup-pgdata-'))).toHaveLength(1);
    // the archive in the cache: a cleanly shut-down data directory with no trace of a password verifier
    const entry = cache.entries.find((e) => e.key.startsWith('ds-e2e-setup-pgdata-'));
    const unpacked = mkdtempSync(join(tmpdir(), 'snapshot-entry-'));
    execFileSync('sh', ['-c', 'zstd -q -d -c | tar -x -P -C "$1"', 'sh', unpacked], { input: entry?.data });
    const archive = readFileSync(join(unpacked, '.ds-e2e-cache/pgdata/snapshot.tar'));
    expect(archive.length).toBeGreaterThan(1_000_000);
    expect(archive.includes('SCRAM-SHA-256$')).toBe(false);
    const names = execFileSync('tar', ['-t'], { input: archive, encoding: 'utf8' }).split('\n');
    expect(names).toContain('pgdata/global/pg_control');
    expect(names.filter((n) => /backup_label|backup_manifest/.test(n))).toEqual([]);
    rmSync(unpacked, { recursive: true, force: true });

    let oldRefused: string | undefined;
    const warm = await run(async (url) => {
      // the first run's password does not open the restored database; this run's does
      const old = new pg.Client({ connectionString: cold.url.replace(/@127\.0\.0\.1:\d+/, `@127.0.0.1:${new URL(url).port}`) });
      old.on('error', () => {});
      await old.connect().then(() => old.end(), (e: Error) => (oldRefused = e.message));
      return schema(url);
    });
    expect(warm.main.code).toBe(0);
    expect(warm.main.stdout).toContain('postgres snapshot: hit');
    expect(warm.main.stdout).toMatch(/postgres: snapshot unpacked in \d+ ms, prepared in \d+ ms/);
    expect(warm.main.stdout).toContain('migrations (goose, ledger goose_db_version): 0 applied, 3 already applied');
    expect(oldRefused).toMatch(/password authentication failed for user "app"/);
    expect(warm.seen).toEqual(cold.seen);
    expect(warm.summary).toContain('**PostgreSQL snapshot:** snapshot hit (ds-e2e-setup-pgdata-');
  });

  test('one new file: the snapshot of the files before it is restored and only the new one is applied', async () => {
    writeFileSync(join(ws.dir, 'migrations/004_more.sql'), '-- +goose Up\nCREATE TABLE more_things (id int);\n');
    const r = await run(schema);
    expect(r.main.code).toBe(0);
    expect(r.main.stdout).toContain('postgres snapshot: prefix');
    expect(r.main.stdout).toContain('1 applied, 3 already applied');
    expect((r.seen as { ledger: unknown[] }).ledger).toHaveLength(5);
    expect(r.summary).toContain('prefix hit (1 new file)');
    expect(r.volumes).toHaveLength(1); // the data, in RAM, which post removed with its holder
  });

  test('storage: disk uses the same snapshots: a hit restores into a volume on disk, and a new file is captured from there', async () => {
    const config = readFileSync(join(ws.dir, 'e2e.yaml'), 'utf8');
    writeFileSync(join(ws.dir, 'e2e.yaml'), config.replace('  user: app\n', '  user: app\n  storage: disk\n'));
    // where PGDATA is, and the file system it is on, in the running PostgreSQL; the volumes its holder carries for it
    const dataFs = (url: string) => {
      const names = labelled('ps', { 'io.github.ds-e2e-setup.env': 'snap', 'io.github.ds-e2e-setup.role': 'postgres' });
      const pgName = names.find((n) => n.endsWith('-postgres')) ?? '';
      const { pgdata, fs } = pgDataFs(pgName);
      const image = execFileSync('docker', ['inspect', '--format', '{{.Config.Image}}', pgName], { encoding: 'utf8' }).trim();
      return schema(url).then((s) => ({ ...s, pgdata, fs, image, holderVolumes: mountedVolumes(`${pgName}-net`).map((v) => v.type) }));
    };
    try {
      const hit = await run(dataFs);
      expect(hit.main.code).toBe(0);
      expect(hit.main.stdout).toContain('postgres snapshot: hit'); // saved by the run before, in RAM
      const seen = hit.seen as { pgdata: string; fs: string; holderVolumes: string[] };
      // in the holder's one volume, which its driver mounts on no tmpfs: on disk
      expect(seen).toMatchObject({ pgdata: PGDATA, holderVolumes: [''] });
      // made from the image the key names, by its id
      expect((hit.seen as { image: string }).image).toBe(imageId('ds-e2e-test/postgres:15'));
      expect(seen.fs).not.toBe('tmpfs');
      expect((hit.seen as { ledger: unknown[] }).ledger).toHaveLength(5);
      writeFileSync(join(ws.dir, 'migrations/005_disk.sql'), '-- +goose Up\nCREATE TABLE on_disk (id int);\n');
      const more = await run();
      expect(more.main.stdout).toContain('postgres snapshot: prefix');
      expect(more.main.stdout).toMatch(/postgres snapshot saved as ds-e2e-setup-pgdata-[a-z0-9-]+-5-[0-9a-f]{20}/);
      const again = await run(dataFs);
      expect(again.main.stdout).toContain('postgres snapshot: hit');
      expect((again.seen as { tables: { table_name: string }[] }).tables.map((t) => t.table_name)).toContain('on_disk');
    } finally {
      writeFileSync(join(ws.dir, 'e2e.yaml'), config);
      rmSync(join(ws.dir, 'migrations/005_disk.sql'), { force: true });
    }
  });

  test('a changed file changes the key: the cold path runs', async () => {
    writeFileSync(join(ws.dir, 'migrations/004_more.sql'), '-- +goose Up\nCREATE TABLE more_things (id bigint);\n');
    const r = await run();
    expect(r.main.code).toBe(0);
    // the first three files still match: their snapshot is a prefix, and the changed fourth file runs
    expect(r.main.stdout).toContain('postgres snapshot: prefix');
    writeFileSync(join(ws.dir, 'migrations/001_create_action_history.sql'), '-- +goose Up\nCREATE TABLE action_history (id bigserial PRIMARY KEY, action text NOT NULL, resource text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\nCREATE INDEX idx_action_history_resource ON action_history (resource);\n');
    const changed = await run();
    expect(changed.main.code).toBe(0);
    expect(changed.main.stdout).toContain('postgres snapshot: miss');
    expect(changed.main.stdout).toContain('4 applied, 0 already applied');
  });

  test('a corrupted cache entry is a warning; the run falls back to the cold path and succeeds', async () => {
    await run(); // a snapshot of the folder as it is now is in the cache
    for (const e of cache.entries) if (e.key.startsWith('ds-e2e-setup-pgdata-') && e.data) e.data = Buffer.from('not a tar at all');
    const r = await run();
    expect(r.main.code).toBe(0);
    expect(r.main.stdout).toContain('::warning::Failed to restore');
    expect(r.main.stdout).toContain('postgres snapshot: miss');
    expect(r.main.stdout).toContain('4 applied, 0 already applied');
  });

  test('a snapshot that does not start is a warning too: its containers go, the cold path runs and succeeds', async () => {
    await run();
    // a well-formed cache entry whose snapshot is garbage: what our own checks must catch
    const file = join(ws.dir, '.ds-e2e-cache/pgdata/snapshot.tar');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, 'this is no tar of a data directory');
    const entry = execFileSync('sh', ['-c', 'tar --posix -cf - -P -C "$1" .ds-e2e-cache/pgdata/snapshot.tar | zstd -q -c', 'sh', ws.dir]);
    rmSync(join(ws.dir, '.ds-e2e-cache'), { recursive: true, force: true });
    for (const e of cache.entries) if (e.key.startsWith('ds-e2e-setup-pgdata-') && e.data) e.data = entry;
    const r = await run();
    expect(r.main.code).toBe(0);
    expect(r.main.stdout).toMatch(/::warning::postgres snapshot ds-e2e-setup-pgdata-\S+ was not used, starting empty/);
    // the snapshot's holder and database are removed, then the cold path makes its own
    const removed = r.main.stdout.search(/\$ docker rm --force --volumes (\S+-postgres(-net)? ?){2}\n/);
    const made = [...r.main.stdout.matchAll(/\$ docker create --name \S+-postgres-net /g)].map((m) => m.index);
    expect(removed).toBeGreaterThan(-1);
    expect(made).toEqual([expect.any(Number), expect.any(Number)]);
    expect(made[0]).toBeLessThan(removed);
    expect(made[1]).toBeGreaterThan(removed);
    expect(r.main.stdout).toContain('postgres snapshot: miss');
    expect(r.main.stdout).toContain('4 applied, 0 already applied');
  });
});
