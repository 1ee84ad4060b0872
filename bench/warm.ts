/**
 * A second run starts from the migrated database: the action run three times on a generated goose
 * folder of 50 files shaped like a service's (see goose-folder.ts), through a real Actions
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
 * Each storage runs twice. First the PostgreSQL image stays on the host between runs, so that the
 * runs differ only in the database. Then, as on a new runner, the image is gone before every run
 * too: the cold run pulls it from a registry on loopback (and saves it to the image cache), the
 * warm runs restore it from the cache. That image is a copy that shares no layer with the test
 * image, so removing it removes every byte of it.
 *
 * With the image kept, a last line gives the floor beside the runs (warm-floor.ts): what starting
 * PostgreSQL on data already in place takes here. Added to it, what the warm run's log says the
 * snapshot's own work took (unpacking it, giving the role this run's password) is about the least
 * a warm run that unpacks and sets the password as this one does can take (give or take the tens
 * of ms the floor's port lookup and create cost); its ratio to cold says whether 0.3 is within
 * reach of tuning the rest.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CacheServer } from '../__tests__/helpers/cache-server.js';
import { RunnerFiles, runAction } from '../__tests__/helpers/run.js';
import { imageExists, removeImage } from '../__tests__/helpers/docker.js';
import { Registry } from '../__tests__/helpers/registry.js';
import { schema } from '../__tests__/helpers/pg-schema.js';
import { makeWorkspace } from '../__tests__/helpers/workspace.js';
import { gooseFile } from './goose-folder.js';
import { warmFloor } from './warm-floor.js';
import { report } from './util.js';

/** Where the run found the image, as its log says ("source pulled", "source cache"). */
function source(out: string): string {
  return /: source (\w+)/.exec(out)?.[1] ?? 'unknown';
}

const PG = 'ds-e2e-test/postgres:15';

export async function benchWarm(): Promise<void> {
  for (const storage of ['memory', 'disk'] as const) await warmOn(storage, PG);
  const registry = await new Registry().start();
  const copy = `ds-e2e-bench/warm-postgres:${process.pid}`;
  const ref = `${registry.host}/bench/warm-postgres:15`; // what Registry.push tags, named here so a failed push leaves no tag
  const remove = () => [copy, ref].forEach(removeImage);
  const gone = () => {
    remove();
    // still there (a container of a failed run holding it) would make the next run find it present
    if (imageExists(ref)) throw new Error(`${ref} could not be removed: the run would not start as on a new runner`);
  };
  try {
    await independentCopy(PG, copy);
    registry.push(copy, 'bench/warm-postgres:15');
    gone(); // only the registry has it now
    for (const storage of ['memory', 'disk'] as const) await warmOn(storage, ref, gone);
  } finally {
    remove();
    await registry.stop();
  }
}

/**
 * A copy of the image with one layer of its own (its file system, with a file that names this
 * bench run, and its config): removing it removes every byte, where removing a re-tag or an image
 * built on it would leave the layers it shares on the host.
 */
async function independentCopy(image: string, tag: string): Promise<void> {
  const name = `ds-e2e-bench-copy-${process.pid}`;
  try {
    execFileSync('docker', ['run', '--name', name, '--user', '0', '--entrypoint', 'sh', image, '-c', `echo ${name}-${Date.now()} > /etc/ds-e2e-bench-copy`], { stdio: 'ignore' });
    const config = JSON.parse(execFileSync('docker', ['image', 'inspect', '--format', '{{json .Config}}', image], { encoding: 'utf8' })) as {
      User?: string; Env?: string[]; Entrypoint?: string[]; Cmd?: string[]; ExposedPorts?: Record<string, unknown>;
      WorkingDir?: string; StopSignal?: string; Volumes?: Record<string, unknown>; Labels?: Record<string, string>;
    };
    // every part of the config a Dockerfile can set, so the copy starts as the image does
    const changes = [
      ...(config.Env ?? []).map((e) => `ENV ${e}`),
      ...(config.User ? [`USER ${config.User}`] : []),
      ...(config.WorkingDir ? [`WORKDIR ${config.WorkingDir}`] : []),
      ...(config.StopSignal ? [`STOPSIGNAL ${config.StopSignal}`] : []),
      ...Object.keys(config.ExposedPorts ?? {}).map((p) => `EXPOSE ${p}`),
      ...Object.keys(config.Volumes ?? {}).map((v) => `VOLUME ${JSON.stringify([v])}`),
      ...Object.entries(config.Labels ?? {}).map(([k, v]) => `LABEL ${JSON.stringify(k)}=${JSON.stringify(v)}`),
      ...(config.Entrypoint ? [`ENTRYPOINT ${JSON.stringify(config.Entrypoint)}`] : []),
      ...(config.Cmd ? [`CMD ${JSON.stringify(config.Cmd)}`] : []),
    ];
    const exported = spawn('docker', ['export', name], { stdio: ['ignore', 'pipe', 'inherit'] });
    const imported = spawn('docker', ['import', ...changes.flatMap((c) => ['--change', c]), '-', tag], { stdio: ['pipe', 'ignore', 'inherit'] });
    exported.stdout.pipe(imported.stdin);
    const ended = (p: ReturnType<typeof spawn>, what: string) =>
      new Promise<void>((done, fail) => p.on('close', (code) => (code === 0 ? done() : fail(new Error(`docker ${what} exited with ${code}`)))));
    await Promise.all([ended(exported, 'export'), ended(imported, 'import')]);
  } finally {
    spawnSync('docker', ['rm', '--force', name], { stdio: 'ignore' }); // absent is fine, and a failed removal must not hide why
  }
}

/** The three runs on one storage; `fresh` (as on a new runner) removes the image before each. */
async function warmOn(storage: 'memory' | 'disk', image: string, fresh?: () => void): Promise<void> {
  const label = `${storage}${fresh ? ', new runner' : ''}`;
  const cache = await new CacheServer().start();
  const ws = makeWorkspace({ 'e2e.yaml': `name: warm\npostgres:\n  image: ${image}\n  database: app\n  user: app\n  storage: ${storage}\n  migrations: migrations\n` });
  mkdirSync(join(ws.dir, 'migrations'));
  for (let i = 1; i <= 50; i++) writeFileSync(join(ws.dir, 'migrations', `${String(i).padStart(3, '0')}_step.sql`), gooseFile(i));
  type Run = { ms: number; imageMs: number; schema: string; out: string };
  const measure = async (runner: RunnerFiles, env: NodeJS.ProcessEnv): Promise<Run> => {
    const started = Date.now();
    const main = await runAction('main', runner.processEnv({ config: 'e2e.yaml' }, env));
    if (main.code !== 0) throw new Error(`warm bench run failed:\n${main.stdout.slice(-2000)}`);
    const outputs = runner.outputs();
    const timings = JSON.parse(outputs.timings) as { task: string; start: string; end: string }[];
    // a task without both ends would give NaN, which no line may print as a time
    const span = (task: string) => {
      const t = timings.find((x) => x.task === task);
      const [start, end] = [Date.parse(t?.start ?? ''), Date.parse(t?.end ?? '')];
      if (!Number.isFinite(start) || !Number.isFinite(end)) throw new Error(`warm bench: the run's timings have no ${task} with a start and an end`);
      return { start, end };
    };
    const ms = span('migrate').end - started;
    const pulled = span('pull:postgres');
    const imageMs = pulled.end - pulled.start;
    return { ms, imageMs, schema: JSON.stringify(await schema(outputs['postgres-url'])), out: main.stdout };
  };
  const run = async (): Promise<Run> => {
    fresh?.();
    const runner = new RunnerFiles();
    const env = { GITHUB_WORKSPACE: ws.dir, ...cache.env() };
    const measured = await measure(runner, env).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
    // every container goes, as on a new runner, and after a failed run too
    const post = await runAction('post', runner.postEnv({}, env));
    rmSync(runner.dir, { recursive: true, force: true });
    if (measured instanceof Error) throw measured;
    if (post.code !== 0) throw new Error(`warm bench post failed:\n${post.stdout.slice(-2000)}`);
    return measured;
  };
  try {
    const cold = await run();
    const warm = await run();
    writeFileSync(join(ws.dir, 'migrations', '051_step.sql'), gooseFile(51));
    const more = await run();
    const same = warm.schema === cold.schema;
    const hit = warm.out.includes('postgres snapshot: hit');
    const prefix = more.out.includes('postgres snapshot: prefix') && more.schema.includes('"t51"');
    // as on a new runner: how each run made the image present (pulled, restored from the cache), and how long that took
    const fetched: Record<string, string> = fresh ? { cold_image: `${source(cold.out)} ${cold.imageMs}`, warm_image: `${source(warm.out)} ${warm.imageMs}` } : {};
    // on a new runner the cold run must have pulled the image and the warm ones restored it, else it was no new runner
    const newRunner = !fresh || (source(cold.out) === 'pulled' && source(warm.out) === 'cache' && source(more.out) === 'cache');
    if (!newRunner) throw new Error(`warm bench (${label}): the image was not fetched as on a new runner: ${source(cold.out)}, ${source(warm.out)}, ${source(more.out)}`);
    report(`warm (${label}): snapshot hit`, { cold_ms: cold.ms, warm_ms: warm.ms, 'warm/cold': warm.ms / cold.ms, hit: String(hit), same_schema: String(same), ...fetched }, { ok: hit && same && warm.ms <= 0.3 * cold.ms, text: 'a hit, the same schema, warm <= 0.3 x cold' });
    report(`warm (${label}): new file`, { cold_ms: cold.ms, new_file_ms: more.ms, 'new_file/cold': more.ms / cold.ms, prefix_hit: String(prefix) }, { ok: prefix && more.ms <= 0.4 * cold.ms, text: 'a prefix hit that made t51, one new file <= 0.4 x cold' });
    if (!fresh) {
      // How much of the warm run is the container's own start, and how much the snapshot's work
      // (unpacking it and the password, as the warm run's log times them) and ours.
      const floor = await warmFloor(image);
      const restored = /snapshot unpacked in (\d+) ms, prepared in (\d+) ms/.exec(warm.out);
      if (!restored) throw new Error(`warm bench (${label}): the warm run's log does not say what unpacking and the password took`);
      const [unpack, password] = [Number(restored[1]), Number(restored[2])];
      const least = floor + unpack + password; // about the least, see above
      report(`warm (${label}): floor`, { floor_ms: floor, unpack_ms: unpack, password_ms: password, 'floor+snapshot/cold': least / cold.ms, 'warm/(floor+snapshot)': warm.ms / least });
    }
  } finally {
    await cache.stop();
    rmSync(ws.dir, { recursive: true, force: true });
  }
}
