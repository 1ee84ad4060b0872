import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { planTasks } from '../src/plan/plan.js';
import { NODE, ROOT, runCli } from './helpers/run.js';
import { makeWorkspace } from './helpers/workspace.js';

/** A PATH that holds node and nothing else: any docker, kind or kubectl call would fail. */
function nodeOnlyPath(): string {
  const bin = mkdtempSync(join(tmpdir(), 'node-only-'));
  symlinkSync(NODE, join(bin, 'node'));
  return bin;
}

describe('plan', () => {
  test('ds-e2e-setup plan prints the graph and the critical path, and runs nothing', async () => {
    const r = await runCli(['plan', '-c', 'examples/datastorage/e2e.yaml'], { env: { PATH: nodeOnlyPath(), HOME: tmpdir() } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^cluster\s+32s\s+install:kind, install:kubectl, pull:node-image/m);
    expect(r.stdout).toMatch(/^nodes\s+28s\s+cluster\s*$/m);
    expect(r.stdout).toMatch(/^ready\s+30s\s+deploy, nodes/m);
    expect(r.stdout).toMatch(/^build:datastorage\s+30s\s+preflight$/m);
    expect(r.stdout).toMatch(/^load:datastorage\s+20s\s+build:datastorage, cluster$/m);
    expect(r.stdout).toContain('critical path (*): preflight -> pull:node-image -> cluster -> preload:postgres -> postgres -> migrate -> deploy -> ready');
    expect(r.stdout).toMatch(/estimated wall time: 197s \(one after another: \d+s\)/);
  });

  test('builds, pulls and installs start once the host check passed; migrations need only PostgreSQL', () => {
    const c = loadConfig('examples/datastorage/e2e.yaml', { workspace: ROOT });
    c.postgres!.placement = 'docker';
    c.redis!.placement = 'docker';
    const tasks = Object.fromEntries(planTasks(c).map((t) => [t.id, t]));
    expect(tasks.preflight.needs).toEqual([]);
    for (const id of ['build:datastorage', 'pull:postgres', 'pull:redis', 'pull:node-image', 'install:kind', 'install:kubectl']) expect(tasks[id].needs).toEqual(['preflight']);
    expect(tasks['build:datastorage'].slot).toBe('build');
    expect(tasks.postgres.needs).toEqual(['pull:postgres']);
    expect(tasks.migrate.needs).toEqual(['postgres']);
    expect(tasks['link:postgres'].needs).toEqual(['postgres', 'namespace']);
    expect(tasks.deploy.needs).toEqual(expect.arrayContaining(['load:datastorage', 'link:postgres', 'link:redis', 'migrate']));
  });

  test('with placement docker, the DataStorage estimate is under 150 s', async () => {
    const c = loadConfig('examples/datastorage/e2e.yaml', { workspace: ROOT });
    c.postgres!.placement = 'docker';
    c.redis!.placement = 'docker';
    const { describePlan } = await import('../src/plan/describe.js');
    const text = describePlan(planTasks(c));
    const wall = Number(/estimated wall time: (\d+)s/.exec(text)![1]);
    expect(wall).toBeLessThanOrEqual(150);
    expect(text).toContain('pull:node-image -> cluster -> load:datastorage -> deploy -> ready');
  });

  test('deploy.helm adds install:helm, which the deploy waits for; kustomize needs nothing more than kubectl', () => {
    const c = loadConfig('examples/datastorage/e2e-kustomize.yaml', { workspace: ROOT });
    expect(planTasks(c).some((t) => t.id === 'install:helm')).toBe(false);
    c.deploy!.helm = [{ chart: ROOT, release: 'x', namespace: 'n', values: [], set: {} }];
    const tasks = Object.fromEntries(planTasks(c).map((t) => [t.id, t]));
    expect(tasks['install:helm']).toMatchObject({ needs: ['preflight'], step: { kind: 'install-tool', tool: 'helm' } });
    expect(tasks.deploy.needs).toContain('install:helm');
  });

  test('a kustomization that inflates Helm charts adds install:helm too (kustomize runs it, with --enable-helm)', () => {
    const ws = makeWorkspace({
      'e2e.yaml': 'name: kh\ncluster: {}\ndeploy: { kustomize: [overlay] }\n',
      'overlay/kustomization.yaml': 'resources: [../base]\n',
      'base/kustomization.yaml': 'helmGlobals: { chartHome: charts }\nhelmCharts: [{ name: c, releaseName: c }]\n',
    });
    const c = loadConfig('e2e.yaml', { workspace: ws.dir });
    expect(c.deploy?.kustomizeHelm).toBe(true);
    expect(planTasks(c).find((t) => t.id === 'deploy')?.needs).toContain('install:helm');
    ws.remove();
  });

  test('no cluster: no tool installs, no cluster tasks', () => {
    const c = loadConfig('examples/datastorage/integration.yaml', { workspace: ROOT });
    expect(planTasks(c).map((t) => t.id)).toEqual(['preflight', 'pull:postgres', 'postgres', 'pull:redis', 'redis', 'migrate']);
  });
});

describe("the seed bench's orders (bench/seed.ts)", () => {
  test('phased: each task also needs the whole phase before it, and nothing needs a later phase', async () => {
    const { phased, sequential } = await import('../bench/seed.js');
    const planned = planTasks(loadConfig('examples/datastorage/e2e.yaml', { workspace: ROOT }));
    const byId = Object.fromEntries(phased(planned).map((t) => [t.id, t.needs]));
    // PostgreSQL (phase 2) waits for the whole cluster phase, nodes included; the deploy for the migrations
    expect(byId.postgres).toEqual(expect.arrayContaining(['cluster', 'nodes', 'namespace', 'install:kind']));
    expect(byId['build:datastorage']).toEqual(expect.arrayContaining(['cluster', 'nodes']));
    expect(byId.deploy).toContain('migrate');
    expect(byId.ready).toContain('deploy');
    const seq = sequential(planned);
    expect(seq.every((t, i) => i === 0 || t.needs.includes(seq[i - 1].id))).toBe(true);
    // only more needs than planned, never fewer
    for (const t of planned) expect(byId[t.id]).toEqual(expect.arrayContaining(t.needs));
  });
});
