/**
 * The host check: disk against the run's estimate (the real statfs of a real folder), the cgroup
 * rule, and the inotify limits, raised for real through /proc/sys when the test runs as root, and
 * refused for real to a process that runs as `nobody`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { cgroupProblem, formatBytes, freeBytes, INOTIFY_PER_CLUSTER, inotifyShortfall, sysctlFile } from '../src/host/preflight.js';
import { ProcessRunner } from '../src/exec/runner.js';
import { orElse, preflight, PreflightError } from '../src/setup/steps/preflight.js';
import { ROOT } from './helpers/run.js';
import { harness, taskWith } from './helpers/step-harness.js';
import { makeWorkspace, type Workspace } from './helpers/workspace.js';

jest.setTimeout(30000);

const KEYS = Object.keys(INOTIFY_PER_CLUSTER) as (keyof typeof INOTIFY_PER_CLUSTER)[];
const asRoot = process.getuid?.() === 0 ? test : test.skip;

/** Sets the inotify limits for the length of `body`, then puts back what the host had. */
async function withInotify(values: Record<string, number>, body: () => Promise<void>): Promise<void> {
  const saved = Object.fromEntries(KEYS.map((k) => [k, readFileSync(sysctlFile(k), 'utf8').trim()]));
  try {
    for (const [k, v] of Object.entries(values)) writeFileSync(sysctlFile(k), `${v}\n`);
    await body();
  } finally {
    for (const [k, v] of Object.entries(saved)) writeFileSync(sysctlFile(k), `${v}\n`);
  }
}

/** An image whose build context is 1 TiB: a sparse file, counted as docker would send it, without using the disk. */
function hugeBuild(): Workspace {
  const w = makeWorkspace({ 'e2e.yaml': 'name: disk\nimages:\n  api: { context: api }\n', 'api/Dockerfile': 'FROM scratch\n' });
  writeFileSync(join(w.dir, 'api', 'big.bin'), '');
  truncateSync(join(w.dir, 'api', 'big.bin'), 2 ** 40);
  return w;
}

function dockerInfo(ws: Workspace, cgroup: string): string {
  return JSON.stringify({ DockerRootDir: ws.dir, CgroupVersion: cgroup, ServerVersion: '28.0.0' });
}

describe('preflight', () => {
  let ws: Workspace;
  afterEach(() => ws?.remove());

  test('too little disk for the builds fails naming both numbers, and asks nothing else of docker', async () => {
    ws = hugeBuild();
    const h = harness(ws);
    h.runner.on(['docker', 'info'], { stdout: dockerInfo(ws, '2') });
    const free = freeBytes(ws.dir) ?? 0;
    expect(free).toBeGreaterThan(0);
    const err = await preflight.run({ kind: 'preflight' }, h.ctx, taskWith()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PreflightError);
    const m = (err as Error).message;
    expect(m).toContain(`not enough disk under ${ws.dir}`);
    expect(m).toMatch(new RegExp(`${formatBytes(free).replace('.', '\\.')} \\(\\d+ bytes\\) free`));
    expect(m).toContain(`needs about ${formatBytes(2 ** 40 + 512 * 1024 ** 2)}`);
    expect(m).toContain('build api 1.0 TiB');
    expect(h.runner.lines()).toEqual(['docker info --format {{json .}}']);
  });

  test('enough disk is a finding with both numbers', async () => {
    ws = makeWorkspace({ 'e2e.yaml': 'name: disk\npostgres: { image: "pg:local" }\n' });
    const h = harness(ws);
    h.runner.on(['docker', 'info'], { stdout: dockerInfo(ws, '2') }).on(['docker', 'image', 'inspect'], { code: 1 });
    const r = await preflight.run({ kind: 'preflight' }, h.ctx, taskWith());
    expect(r.findings).toEqual([expect.stringMatching(new RegExp(`^disk: .* free under ${ws.dir}, about 512 MiB needed \\(image pg:local 512 MiB\\)$`))]);
    expect(r.imageIds).toEqual({}); // nothing found: its pull looks again
  });

  test('an image already on the host costs no disk, and its id is handed to its pull', async () => {
    ws = makeWorkspace({ 'e2e.yaml': 'name: disk\npostgres: { image: "pg:local" }\n' });
    const h = harness(ws);
    h.runner.on(['docker', 'info'], { stdout: dockerInfo(ws, '2') }).on(['docker', 'image', 'inspect'], { stdout: 'sha256:0ff1ce\n' });
    const r = await preflight.run({ kind: 'preflight' }, h.ctx, taskWith());
    expect(r.findings).toEqual([expect.stringMatching(/, nothing to download or build$/)]);
    expect(r.imageIds).toEqual({ 'pg:local': 'sha256:0ff1ce' });
  });

  test('a Kubernetes that needs cgroup v2 on a cgroup v1 host is an error naming both', async () => {
    ws = makeWorkspace({ 'e2e.yaml': 'name: cg\ncluster: { kubernetes: v1.35.5 }\n' });
    const h = harness(ws);
    h.runner.on(['docker', 'info'], { stdout: dockerInfo(ws, '1') }).on(['docker', 'image', 'inspect'], { code: 0 });
    const err = await preflight.run({ kind: 'preflight' }, h.ctx, taskWith()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PreflightError);
    expect((err as Error).message).toContain('Kubernetes v1.35.5');
    expect((err as Error).message).toContain("this host's container engine runs cgroup v1");
    expect(cgroupProblem('v1.34.8', '1')).toBeUndefined();
    expect(cgroupProblem('v1.36.1', '2')).toBeUndefined();
    expect(cgroupProblem(undefined, '1')).toBeUndefined();
  });

  test('inotify needs scale with the clusters on the host', () => {
    expect(inotifyShortfall({ 'fs.inotify.max_user_watches': 8192, 'fs.inotify.max_user_instances': 1024 }, 2)).toEqual({ 'fs.inotify.max_user_watches': 1048576 });
    expect(inotifyShortfall({ 'fs.inotify.max_user_watches': 2 ** 21, 'fs.inotify.max_user_instances': 512 }, 1)).toEqual({});
  });

  asRoot('as root, low inotify limits are raised through /proc/sys, and the summary says so', async () => {
    ws = makeWorkspace({ 'e2e.yaml': 'name: ino\ncluster: { kubernetes: v1.34.8 }\n' });
    const h = harness(ws);
    h.runner
      .on(['docker', 'info'], { stdout: dockerInfo(ws, '1') })
      .on(['docker', 'image', 'inspect'], { code: 0 })
      // one other kind cluster on this host, and ours
      .on(['docker', 'ps'], { stdout: 'other\nother\n' });
    await withInotify({ 'fs.inotify.max_user_watches': 8192, 'fs.inotify.max_user_instances': 128 }, async () => {
      const r = await preflight.run({ kind: 'preflight' }, h.ctx, taskWith());
      expect(readFileSync(sysctlFile('fs.inotify.max_user_watches'), 'utf8').trim()).toBe('1048576');
      expect(readFileSync(sysctlFile('fs.inotify.max_user_instances'), 'utf8').trim()).toBe('1024');
      expect(r.findings).toContain('inotify: raised fs.inotify.max_user_watches=1048576 fs.inotify.max_user_instances=1024 for 2 cluster(s)');
      expect(r.findings).toContain('cgroup: v1 for Kubernetes v1.34.8');
      expect(h.warnings).toEqual([]);
    });
  });

  asRoot('a process that may not raise them (run as nobody, no sudo) warns with the exact command', async () => {
    await withInotify({ 'fs.inotify.max_user_watches': 8192, 'fs.inotify.max_user_instances': 128 }, async () => {
      const script = `import { inotifyFinding } from './src/setup/steps/preflight.ts';
import { ProcessRunner } from './src/exec/runner.ts';
process.stdout.write(JSON.stringify(await inotifyFinding(new ProcessRunner(), 1)));`;
      const nobody = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: ROOT,
        uid: nobody,
        gid: nobody,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: '/tmp', TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json') },
      });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual({
        warn: true,
        message: 'inotify: fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512 are needed for 1 cluster(s) and this process may not raise them; run: sudo sysctl -w fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512',
      });
      // and nothing was changed
      expect(readFileSync(sysctlFile('fs.inotify.max_user_watches'), 'utf8').trim()).toBe('8192');
    });
  });

  test('an engine call that does not answer in time is not checked, and never counted against the run; a cancelled task still fails', async () => {
    const hang = (signal: AbortSignal): Promise<unknown> => new ProcessRunner().run('sleep', ['5'], { signal });
    const task = taskWith();
    const t0 = Date.now();
    const got = await orElse({ task, signal: AbortSignal.timeout(100) }, 'docker info', hang(AbortSignal.timeout(100)), 'fallback' as unknown);
    expect(got).toBe('fallback');
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(task.log.text()).toContain('docker info did not answer in 10 s: not checked');

    const cancelled = new AbortController();
    const cancelledTask = { ...taskWith(), signal: cancelled.signal };
    const b = { task: cancelledTask, signal: AbortSignal.any([cancelled.signal, AbortSignal.timeout(5000)]) };
    setTimeout(() => cancelled.abort(new Error('job cancelled')), 50);
    await expect(orElse(b, 'docker info', hang(b.signal), 'fallback' as unknown)).rejects.toThrow('job cancelled');
  });

  test('a remote engine is not measured on this machine', async () => {
    ws = hugeBuild();
    const h = harness(ws);
    h.runner.on(['docker', 'info'], { stdout: dockerInfo(ws, '2') });
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'tcp://10.0.0.5:2376';
    try {
      const r = await preflight.run({ kind: 'preflight' }, h.ctx, taskWith());
      expect(r.findings[0]).toMatch(/^disk: not checked \(the engine runs elsewhere \(tcp:\/\/10\.0\.0\.5:2376\)\); this run needs about 1\.0 TiB$/);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });
});

