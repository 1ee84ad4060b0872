import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createClient } from 'redis';
import { poll } from '../src/core/poll.js';
import { Docker } from '../src/docker/docker.js';
import { startContainer, type StartOptions } from '../src/deps/container.js';
import { postgresPreset } from '../src/deps/presets.js';
import { ProcessRunner } from '../src/exec/runner.js';
import { leftovers, mountedVolumes, pgDataFs, volumeExists } from './helpers/docker.js';
import { query } from './helpers/pg-schema.js';
import { ROOT, RunnerFiles, runAction, runCli } from './helpers/run.js';
import { makeWorkspace, type Workspace } from './helpers/workspace.js';

const PG_IMAGE = 'ds-e2e-test/postgres:15';
const REDIS_IMAGE = 'ds-e2e-test/redis:7';

/** A no-cluster workspace: the example's migrations plus one whose Down must never run. */
function integrationWorkspace(extra: Record<string, string> = {}, env?: string): Workspace {
  const ws = makeWorkspace({
    'migrations/004_down_marker.sql': '-- +goose Up\nCREATE TABLE up_marker (id int);\n-- +goose Down\nCREATE TABLE down_marker (id int);\n',
    'e2e.yaml':
      env ??
      `name: it\npostgres:\n  image: ${PG_IMAGE}\n  database: action_history\n  user: slm_user\n  migrations: migrations\nredis:\n  image: ${REDIS_IMAGE}\n`,
    ...extra,
  });
  cpSync(join(ROOT, 'examples/datastorage/migrations'), join(ws.dir, 'migrations'), { recursive: true });
  return ws;
}

interface Leg {
  runner: RunnerFiles;
  main: { code: number; stdout: string; stderr: string };
  labels: Record<string, string>;
}

async function runMain(ws: Workspace, inputs: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): Promise<Leg> {
  const runner = new RunnerFiles();
  const main = await runAction('main', runner.processEnv({ config: 'e2e.yaml', cache: 'false', ...inputs }, { GITHUB_WORKSPACE: ws.dir, ...env }));
  const state = runner.saved().leg;
  return { runner, main, labels: state ? (JSON.parse(state) as { labels: Record<string, string> }).labels : {} };
}

async function runPost(leg: Leg): Promise<void> {
  const post = await runAction('post', leg.runner.postEnv({}));
  expect(post.code).toBe(0);
}

describe('no-cluster environment, run as a runner runs the action', () => {
  let ws: Workspace;
  let leg: Leg;
  let outputs: Record<string, string>;

  beforeAll(async () => {
    ws = integrationWorkspace();
    leg = await runMain(ws);
    outputs = leg.runner.outputs();
  });
  afterAll(async () => {
    await runPost(leg);
    ws.remove();
  });

  test('succeeds, with PostgreSQL and Redis started side by side', () => {
    expect(leg.main.code).toBe(0);
    const timings = JSON.parse(outputs.timings) as { task: string; start: string; end: string; status: string }[];
    const t = Object.fromEntries(timings.map((x) => [x.task, { start: Date.parse(x.start), end: Date.parse(x.end), status: x.status }]));
    expect(Object.values(t).every((x) => x.status === 'succeeded')).toBe(true);
    expect(t.postgres.start).toBeLessThan(t.redis.end);
    expect(t.redis.start).toBeLessThan(t.postgres.end);
    expect(t.migrate.start).toBeGreaterThanOrEqual(t.postgres.end);
  });

  test('writes the outputs and exports the URLs', () => {
    expect(outputs['postgres-url']).toMatch(/^postgres:\/\/slm_user:[A-Za-z0-9_-]+@127\.0\.0\.1:\d+\/action_history$/);
    expect(outputs['redis-url']).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(JSON.parse(outputs.endpoints)).toEqual({ postgres: outputs['postgres-url'], redis: outputs['redis-url'] });
    expect(outputs['diagnostics-dir']).toContain(leg.runner.dir);
    const exported = leg.runner.exported();
    expect(exported.POSTGRES_URL).toBe(outputs['postgres-url']);
    expect(exported.REDIS_URL).toBe(outputs['redis-url']);
    expect(JSON.parse(exported.E2E_ENDPOINTS)).toEqual(JSON.parse(outputs.endpoints));
  });

  test('the migrations are applied: tables, functions and indexes; no Down section ran', async () => {
    const client = new pg.Client({ connectionString: outputs['postgres-url'] });
    await client.connect();
    try {
      const tables = (await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map((r) => r.tablename);
      expect(tables).toEqual(['action_history', 'goose_db_version', 'up_marker']);
      const indexes = (await client.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'action_history' ORDER BY 1`)).rows.map((r) => r.indexname);
      expect(indexes).toEqual(['action_history_pkey', 'idx_action_history_created', 'idx_action_history_resource']);
      await client.query(`INSERT INTO action_history (action, resource) VALUES ('scale', 'pod/a'), ('scale', 'pod/a')`);
      expect((await client.query(`SELECT action_history_count('pod/a') AS n`)).rows[0].n).toBe('2');
      // goose's own ledger: a service that runs goose at start-up finds nothing to do
      const ledger = (await client.query(`SELECT version_id::int AS v, is_applied FROM goose_db_version ORDER BY id`)).rows;
      expect(ledger).toEqual([0, 1, 2, 3, 4].map((v) => ({ v, is_applied: true })));
    } finally {
      await client.end();
    }
  });

  test('Redis answers PING through redis-url', async () => {
    const client = createClient({ url: outputs['redis-url'] });
    await client.connect();
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });

  test('the generated password appears nowhere but in the ::add-mask:: command', () => {
    const password = new URL(outputs['postgres-url']).password;
    expect(password.length).toBeGreaterThanOrEqual(20);
    const all = `${leg.main.stdout}\n${leg.main.stderr}`;
    const lines = all.split('\n').filter((l) => l.includes(password));
    expect(lines).toEqual([`::add-mask::${password}`]);
  });

  test('post keeps the evidence, with no secret in it, then removes every container, network and volume labelled for this run', async () => {
    expect(leftovers(leg.labels).containers).toHaveLength(4); // PostgreSQL and Redis, each with the container that holds its network
    const holder = `${leg.labels['io.github.ds-e2e-setup.leg']}-postgres-net`;
    const data = mountedVolumes(holder);
    expect(data).toEqual([{ name: expect.any(String), type: 'tmpfs' }]); // PostgreSQL's data, in RAM; anonymous, so it carries no label
    const dir = outputs['diagnostics-dir'];
    const postgres = `${leg.labels['io.github.ds-e2e-setup.leg']}-postgres`;
    expect(existsSync(join(dir, `${postgres}.inspect.json`))).toBe(false); // main succeeded: it wrote none
    await runPost(leg);
    expect(leftovers(leg.labels)).toEqual({ containers: [], networks: [], volumes: [] });
    expect(data.map((v) => v.name).filter(volumeExists)).toEqual([]);
    // the container's environment holds the password; post runs in a new process and still hides it
    const inspect = readFileSync(join(dir, `${postgres}.inspect.json`), 'utf8');
    expect(inspect).toContain('POSTGRES_PASSWORD=***');
    const password = new URL(outputs['postgres-url']).password;
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f), 'utf8')).not.toContain(password);
    await runPost(leg); // what is already gone is fine
  });
});

describe('where PostgreSQL keeps its data', () => {
  const docker = new Docker(new ProcessRunner());
  const start = (storage: 'memory' | 'disk', name: string, restore?: StartOptions['restore']) =>
    startContainer(docker, postgresPreset({ image: PG_IMAGE, user: 'u', database: 'd', password: 'pw' }), {
      name,
      labels: { 'io.github.ds-e2e-setup.leg': name },
      readyTimeoutMs: 30_000,
      storage,
      restore,
    });

  test('memory: in a RAM-backed volume of the holder, so a restart of the database keeps its tables, on the same URL', async () => {
    const name = 'storage-memory-postgres';
    try {
      const started = await start('memory', name);
      expect(pgDataFs(name).fs).toBe('tmpfs');
      expect(mountedVolumes(`${name}-net`).map((v) => v.type)).toEqual(['tmpfs']);
      await query(started.url, 'CREATE TABLE kept (id int); INSERT INTO kept VALUES (7)');
      execFileSync('docker', ['restart', name], { stdio: 'ignore' });
      const rows = await poll('postgres after restart', () => query(started.url, 'SELECT id FROM kept'), { intervalMs: 50, timeoutMs: 20_000 });
      expect(rows).toEqual([{ id: 7 }]);
    } finally {
      await docker.removeContainers(await docker.containers({ 'io.github.ds-e2e-setup.leg': name }));
    }
  });

  test('disk: where the image keeps it, and no volume of ours', async () => {
    const name = 'storage-disk-postgres';
    try {
      await start('disk', name);
      expect(pgDataFs(name).fs).not.toBe('tmpfs');
      expect(mountedVolumes(`${name}-net`)).toEqual([]);
    } finally {
      await docker.removeContainers(await docker.containers({ 'io.github.ds-e2e-setup.leg': name }));
    }
  });

  test('disk, a snapshot wanted but none arrives: the holder\'s volume stays unused, and PostgreSQL starts where the image keeps it', async () => {
    const name = 'storage-disk-miss-postgres';
    try {
      const imageOwn = execFileSync('docker', ['image', 'inspect', '--format', '{{range .Config.Env}}{{println .}}{{end}}', PG_IMAGE], { encoding: 'utf8' });
      const started = await start('disk', name, { fetch: Promise.resolve(undefined) });
      expect(mountedVolumes(`${name}-net`)).toEqual([{ name: expect.any(String), type: '' }]); // made for a restore, left empty
      expect(`PGDATA=${pgDataFs(name).pgdata}`).toBe(/^PGDATA=.*$/m.exec(imageOwn)?.[0]);
      expect(mountedVolumes(name)).toEqual([]); // no --volumes-from: the holder's volume is not the database's
      expect(await query(started.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await docker.removeContainers(await docker.containers({ 'io.github.ds-e2e-setup.leg': name }));
    }
  });
});

describe('ds-e2e-setup up and down', () => {
  test('up prints the URLs, down removes exactly what up made', async () => {
    const ws = integrationWorkspace();
    const env = { ...process.env, RUNNER_TEMP: join(ws.dir, '.tmp') };
    const up = await runCli(['up', '-c', 'e2e.yaml', '--dotenv', '.env.e2e'], { cwd: ws.dir, env });
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/^POSTGRES_URL=postgres:\/\//m);
    const endpoints = JSON.parse(/^E2E_ENDPOINTS=(.*)$/m.exec(up.stdout)?.[1] ?? '{}') as Record<string, string>;
    expect(Object.keys(endpoints)).toEqual(['postgres', 'redis']);
    expect(endpoints.postgres).toBe(/^POSTGRES_URL=(.*)$/m.exec(up.stdout)?.[1]);
    expect(readFileSync(join(ws.dir, '.env.e2e'), 'utf8')).toBe(up.stdout);
    const labels = { 'io.github.ds-e2e-setup.env': 'it' };
    expect(leftovers(labels).containers.length).toBe(4); // two dependencies, each with its network holder
    const down = await runCli(['down', '-c', 'e2e.yaml'], { cwd: ws.dir, env });
    expect(down.code).toBe(0);
    expect(leftovers(labels)).toEqual({ containers: [], networks: [], volumes: [] });
    ws.remove();
  });
});

describe('failures', () => {
  test('a broken migration fails the step naming the file; post cleans up and keeps the PostgreSQL log', async () => {
    const ws = integrationWorkspace({ 'migrations/005_broken.sql': '-- +goose Up\nCREATE TABLE ok_before (id int);\nCREATE TABLE broken (id nosuchtype);\n' });
    const leg = await runMain(ws);
    expect(leg.main.code).not.toBe(0);
    expect(leg.main.stdout).toContain('::error::task "migrate" failed: migration 005_broken.sql failed at line 3: type "nosuchtype" does not exist');
    expect(leg.main.stdout).toContain('CREATE TABLE broken (id nosuchtype);');
    await runPost(leg);
    expect(leftovers(leg.labels)).toEqual({ containers: [], networks: [], volumes: [] });
    const dir = leg.runner.outputs()['diagnostics-dir'];
    const pgLog = readdirSync(dir).find((f) => f.endsWith('-postgres.log'));
    expect(pgLog).toBeDefined();
    expect(readFileSync(join(dir, pgLog!), 'utf8')).toContain('type "nosuchtype" does not exist');
    const inspect = readFileSync(join(dir, pgLog!.replace('.log', '.inspect.json')), 'utf8');
    expect(inspect).toContain('POSTGRES_PASSWORD=***');
    ws.remove();
  });

  test('an image that is missing and cannot be pulled is named, within 30 s', async () => {
    const ws = integrationWorkspace({}, `name: it-missing\nredis:\n  image: 127.0.0.1:9/nobody/redis:none\n`);
    const started = Date.now();
    const leg = await runMain(ws);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(leg.main.code).not.toBe(0);
    expect(leg.main.stdout).toContain('image "127.0.0.1:9/nobody/redis:none" is not on the host and could not be pulled');
    await runPost(leg);
    ws.remove();
  });

  test('a dependency that never becomes ready times out with its last log lines', async () => {
    const docker = new Docker(new ProcessRunner());
    const labels = { 'io.github.ds-e2e-setup.leg': 'readiness-test' };
    // Redis's image under the PostgreSQL preset: it runs, but never answers a query.
    const err = (await startContainer(docker, postgresPreset({ image: REDIS_IMAGE, user: 'u', database: 'd', password: 'not-used-here' }), {
      name: 'readiness-test-postgres',
      labels,
      readyTimeoutMs: 2000,
    }).catch((e: Error) => e)) as Error;
    await docker.removeContainers(await docker.containers(labels));
    expect(err.message).toMatch(/^postgres \(readiness-test-postgres\) was not ready after 2 s and \d+ probes/);
    expect(err.message).toContain('--- last lines of readiness-test-postgres ---');
    expect(err.message).toContain('Ready to accept connections');
  });
});

describe('migrateCommand', () => {
  test('runs the tool on the runner with POSTGRES_URL set and placeholders filled', async () => {
    const ws = integrationWorkspace(
      {},
      `name: it-cmd\npostgres:\n  image: ${PG_IMAGE}\n  database: orders\n  migrateCommand: [sh, -c, 'echo "$POSTGRES_URL|$1" > migrated.txt', sh, '\${POSTGRES_DB}']\n`,
    );
    const leg = await runMain(ws);
    expect(leg.main.code).toBe(0);
    expect(existsSync(join(ws.dir, 'migrated.txt'))).toBe(true);
    expect(readFileSync(join(ws.dir, 'migrated.txt'), 'utf8').trim()).toBe(`${leg.runner.outputs()['postgres-url']}|orders`);
    await runPost(leg);
    ws.remove();
  });
});
