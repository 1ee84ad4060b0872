/**
 * PostgreSQL and Redis, ready, on the same images, measured side by side and alternated, 3 runs
 * each: ours (the real engine on a no-cluster environment without migrations, with its default
 * `storage: memory`), testcontainers-node 11 (its PostgreSQL and Redis modules, Ryuk off), and
 * the floor: a raw `docker run` of each plus a `SELECT 1` / PING poll. The targets compare with
 * both as they come. Both are also run with PostgreSQL's data on a tmpfs, as ours keeps it, so
 * the second line shows what is left of our own overhead. Then the no-cluster example with its
 * migrations, as before.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allDone } from '../src/core/all-done.js';
import { postgresPreset, redisPreset } from '../src/deps/presets.js';
import { ProcessRunner } from '../src/exec/runner.js';
import { Secrets } from '../src/exec/secrets.js';
import { down } from '../src/setup/down.js';
import { prepare } from '../src/setup/prepare.js';
import { up } from '../src/setup/up.js';
import { docker, hostPort, median, pollReady, report } from './util.js';

const PG = 'ds-e2e-test/postgres:15';
const REDIS = 'ds-e2e-test/redis:7';
const services = () => {
  const secrets = new Secrets();
  return { runner: new ProcessRunner(secrets), secrets, logger: { info() {}, warn() {} }, addPath() {} };
};

async function ours(config: string, i: number): Promise<{ wall: number; sum: number }> {
  const inputs = { config, cache: false, cleanup: 'always' as const, matrix: JSON.stringify({ bench: i }) };
  const prepared = prepare(inputs);
  const s = services();
  const started = performance.now();
  const { result } = await up(prepared, inputs, s);
  const wall = performance.now() - started;
  await down(prepared.state, s, { failed: false, diagnostics: false });
  if (!result.ok) throw new Error(`bench run failed: ${result.failure?.message}`);
  return { wall, sum: result.timings.reduce((n, t) => n + (t.end! - t.start!), 0) };
}

/** PostgreSQL's data on a tmpfs, for the baselines that are given the same: PGDATA one folder below the mount, which any user may make. */
const TMPFS = '/var/lib/postgresql/bench-tmpfs';
const TMPFS_PGDATA = `${TMPFS}/pgdata`;

async function testcontainers(tmpfs = false): Promise<number> {
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const { RedisContainer } = await import('@testcontainers/redis');
  const started = performance.now();
  const pgc = new PostgreSqlContainer(PG).withUsername('e2e').withDatabase('e2e');
  if (tmpfs) pgc.withTmpFs({ [TMPFS]: 'rw,mode=1777' }).withEnvironment({ PGDATA: TMPFS_PGDATA });
  // both starts end before anything is stopped, and whatever started is stopped: Ryuk, which would, is off
  const starts = [pgc.start(), new RedisContainer(REDIS).start()] as const;
  try {
    await allDone([...starts]);
    return performance.now() - started;
  } finally {
    const running = (await Promise.allSettled(starts)).flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    await allDone(running.map((c) => c.stop()));
  }
}

/**
 * The floor: docker run, then the same protocol checks, polled every 20 ms. Every docker call is
 * asynchronous, so PostgreSQL's and Redis's starts overlap as ours do (a blocking call would run
 * them one after the other and stall the other's poll).
 */
async function raw(i: number, tmpfs = false): Promise<number> {
  const names = [`bench-raw-pg-${process.pid}-${i}`, `bench-raw-redis-${process.pid}-${i}`];
  const started = performance.now();
  const runPg = async () => {
    // the same user and database as ours (the defaults, e2e): the image creates the database on first start
    const storage = tmpfs ? ['--tmpfs', `${TMPFS}:rw,mode=1777`, '--env', `PGDATA=${TMPFS_PGDATA}`] : [];
    await docker(['run', '--detach', '--name', names[0], '--env', 'POSTGRES_PASSWORD=pw', '--env', 'POSTGRES_USER=e2e', '--env', 'POSTGRES_DB=e2e', ...storage, '--publish', '127.0.0.1::5432', PG]);
    await pollReady(postgresPreset({ image: PG, user: 'e2e', database: 'e2e', password: 'pw' }), await hostPort(names[0], 5432), 20);
  };
  const runRedis = async () => {
    await docker(['run', '--detach', '--name', names[1], '--publish', '127.0.0.1::6379', REDIS]);
    await pollReady(redisPreset(REDIS), await hostPort(names[1], 6379), 20);
  };
  try {
    // both end before anything is removed: a failed one must not leave the other's container behind
    await allDone([runPg(), runRedis()]);
    return performance.now() - started;
  } finally {
    spawnSync('docker', ['rm', '--force', ...names], { stdio: 'ignore' }); // one that was never made is fine
  }
}

export async function benchDeps(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-deps-'));
  const bare = join(dir, 'deps.yaml');
  writeFileSync(bare, `name: bench-deps\npostgres:\n  image: ${PG}\nredis:\n  image: ${REDIS}\n`);
  const runs = { ours: [] as number[], testcontainers: [] as number[], raw: [] as number[], testcontainersTmpfs: [] as number[], rawTmpfs: [] as number[] };
  try {
    for (let i = 0; i < 3; i++) {
      runs.ours.push((await ours(bare, i)).wall);
      runs.testcontainers.push(await testcontainers());
      runs.raw.push(await raw(i));
      runs.testcontainersTmpfs.push(await testcontainers(true));
      runs.rawTmpfs.push(await raw(i, true));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const o = median(runs.ours);
  const t = median(runs.testcontainers);
  const r = median(runs.raw);
  report('deps ready (no migrations)', { ours_ms: o, testcontainers_ms: t, raw_ms: r, 'ours/testcontainers': o / t, 'ours/raw': o / r, runs: 3 }, { ok: o <= 0.6 * t && o <= 1.15 * r, text: 'ours <= 0.6 x testcontainers and <= 1.15 x raw' });
  const tt = median(runs.testcontainersTmpfs);
  const rt = median(runs.rawTmpfs);
  // like for like: every one of them keeps PostgreSQL's data in RAM, so only our own overhead is left
  report('  the same, all on tmpfs', { ours_ms: o, testcontainers_ms: tt, raw_ms: rt, 'ours/testcontainers': o / tt, 'ours/raw': o / rt, runs: 3 }, { ok: o <= 1.15 * rt, text: 'ours <= 1.15 x raw, both on tmpfs' });

  const walls: number[] = [];
  const sums: number[] = [];
  for (let i = 0; i < 3; i++) {
    const run = await ours('examples/datastorage/integration.yaml', i);
    walls.push(run.wall);
    sums.push(run.sum);
  }
  const wall = median(walls);
  const seq = median(sums);
  report('deps ready + migrated', { wall_ms: wall, sequential_ms: seq, 'wall/sequential': wall / seq, runs: 3 }, { ok: wall <= 5000, text: 'wall <= 5 s' });
}
