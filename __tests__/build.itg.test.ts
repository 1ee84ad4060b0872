import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentTag } from '../src/docker/context-hash.js';
import { chooseStrategy } from '../src/docker/strategy.js';
import type { ImageConfig } from '../src/config/normalize.js';
import { CacheServer } from './helpers/cache-server.js';
import { imageExists, removeImage } from './helpers/docker.js';
import { RunnerFiles, runAction } from './helpers/run.js';
import { makeWorkspace, type Workspace } from './helpers/workspace.js';

/** A fixture with a slow step whose side effect (the time it ran, in nanoseconds) lives in the image. */
const DOCKERFILE = `FROM ds-e2e-test/debian:bookworm
RUN sleep 2 && date +%s%N > /slow-step-ran-at
COPY data.txt /data.txt
`;

function fixture(extra: Record<string, string> = {}): Workspace {
  return makeWorkspace({
    'app/Dockerfile': DOCKERFILE,
    'app/data.txt': 'one\n',
    'app/.dockerignore': 'notes.md\n',
    'app/notes.md': 'not sent to the daemon\n',
    'e2e.yaml': 'name: build-it\nimages:\n  app: { context: app }\n',
    ...extra,
  });
}

const imageConfig = (ws: Workspace): ImageConfig => ({ context: `${ws.dir}/app`, dockerfile: `${ws.dir}/app/Dockerfile`, buildArgs: {} });
const slowStepRanAt = (tag: string): string => execFileSync('docker', ['run', '--rm', tag, 'cat', '/slow-step-ran-at'], { encoding: 'utf8' }).trim();

describe('content tags', () => {
  test('same content, same tag; a change the context includes, a new tag; an ignored change, the same tag', () => {
    const ws = fixture();
    const first = contentTag('app', imageConfig(ws));
    expect(first.tag).toMatch(/^app:e2e-[0-9a-f]{16}$/);
    expect(contentTag('app', imageConfig(ws))).toEqual(first);
    ws.write('app/notes.md', 'changed, but .dockerignore excludes it\n');
    expect(contentTag('app', imageConfig(ws)).tag).toBe(first.tag);
    ws.write('app/data.txt', 'two\n');
    const second = contentTag('app', imageConfig(ws));
    expect(second.tag).not.toBe(first.tag);
    expect(contentTag('app', { ...imageConfig(ws), buildArgs: { X: '1' } }).tag).not.toBe(second.tag);
    ws.write('app/Dockerfile', `${DOCKERFILE}# a comment\n`);
    expect(contentTag('app', imageConfig(ws)).tag).not.toBe(second.tag);
    ws.remove();
  });

  test('with the workspace as the context, the archives passing through the action\'s cache folder do not count', () => {
    const ws = fixture();
    const whole: ImageConfig = { context: ws.dir, dockerfile: `${ws.dir}/app/Dockerfile`, buildArgs: {} };
    const before = contentTag('app', whole);
    ws.write('.ds-e2e-cache/images/0123456789abcdef.tar', 'an archive on its way to the cache\n');
    expect(contentTag('app', whole)).toEqual(before);
    // a folder of the same name deeper down is the service's own
    ws.write('app/.ds-e2e-cache/kept.txt', 'x\n');
    expect(contentTag('app', whole).tag).not.toBe(before.tag);
    ws.remove();
  });
});

describe('the layer-cache strategy', () => {
  test.each([
    [{ buildx: true, driver: 'docker-container', githubHosted: true, cacheService: true }, 'gha'],
    [{ buildx: true, driver: 'docker-container', githubHosted: false, cacheService: true }, 'local'],
    [{ buildx: true, driver: 'docker', githubHosted: true, cacheService: true }, 'inline'],
    [{ buildx: false, githubHosted: true, cacheService: true }, 'inline'],
    [{ buildx: true, driver: 'docker-container', githubHosted: true, cacheService: false }, 'inline'],
  ])('%j -> %s', (facts, kind) => {
    const s = chooseStrategy({ engine: 'docker', ...facts });
    expect(s.kind).toBe(kind);
    expect(s.why.length).toBeGreaterThan(10);
  });
});

describe('building through the action, with a real dockerd and the cache API', () => {
  let cache: CacheServer;
  let ws: Workspace;
  const tags: string[] = [];

  beforeAll(async () => {
    cache = await new CacheServer().start();
    ws = fixture();
  });
  afterAll(async () => {
    for (const t of tags) removeImage(t);
    await cache.stop();
    ws.remove();
  });

  const run = async (matrix = '{}', cacheEnv: NodeJS.ProcessEnv = cache.env(), workspace = ws) => {
    const runner = new RunnerFiles();
    const main = await runAction('main', runner.processEnv({ config: 'e2e.yaml', matrix }, { GITHUB_WORKSPACE: workspace.dir, ...cacheEnv }));
    await runAction('post', runner.postEnv({}));
    const tag = main.code === 0 ? (JSON.parse(runner.outputs().images) as Record<string, string>).app : '';
    if (tag) tags.push(tag);
    return { main, tag, runner };
  };
  const prune = () => execFileSync('docker', ['builder', 'prune', '--all', '--force'], { stdio: 'ignore' });

  test('the rebuild after delete, prune and restore does not run the slow step again', async () => {
    const first = await run();
    expect(first.main.code).toBe(0);
    expect(first.main.stdout).toContain('layer cache: inline');
    expect(first.runner.exported().IMAGE_APP).toBe(first.tag);
    expect(cache.saved()).toEqual([expect.stringMatching(/^ds-e2e-setup-build-linux-\w+-app-[0-9a-f]{16}$/)]);
    const ranAt = slowStepRanAt(first.tag);

    // the same content: an exact cache hit needs no build at all
    removeImage(first.tag);
    prune();
    const same = await run();
    expect(same.tag).toBe(first.tag);
    expect(same.main.stdout).toContain(`${first.tag}: restored from the cache`);
    expect(same.main.stdout).toContain('no build needed');
    expect(slowStepRanAt(same.tag)).toBe(ranAt);

    // a change after the slow step: the last build's layers are restored and reused
    removeImage(first.tag);
    prune();
    ws.write('app/data.txt', 'changed\n');
    const changed = await run();
    expect(changed.main.code).toBe(0);
    expect(changed.tag).not.toBe(first.tag);
    expect(changed.main.stdout).toMatch(/cache: restored ds-e2e-setup-build-\S+-app-[0-9a-f]{16}; layers from app:e2e-/);
    // the builder's own report: the classic builder's, or BuildKit's (GitHub's runners have buildx)
    expect(changed.main.stdout).toMatch(/RUN sleep 2 && date \+%s%N > \/slow-step-ran-at\n(?: ---> Using cache|#\d+ CACHED)/);
    expect(slowStepRanAt(changed.tag)).toBe(ranAt); // the side effect proves the step did not run again
  });

  test('two legs building the same image share one entry; the one that loses the race still passes', async () => {
    // two runners' checkouts of one commit, so no lock on a shared path orders the legs; both
    // look the entry up before either has saved it, so both build and both try to save
    const other = fixture();
    try {
      for (const w of [ws, other]) w.write('app/data.txt', 'raced\n');
      const before = cache.saved().length;
      cache.holdLookups = 2;
      const [a, b] = await Promise.all([run('{"leg":"a"}', cache.env(), ws), run('{"leg":"b"}', cache.env(), other)]);
      expect(a.main.code).toBe(0);
      expect(b.main.code).toBe(0);
      expect(a.tag).toBe(b.tag);
      expect(cache.saved().length).toBe(before + 1);
      const outs = [a, b].map((l) => l.main.stdout);
      expect(outs.filter((o) => o.includes(`${a.tag}: saved to the cache as`))).toHaveLength(1);
      expect(outs.filter((o) => o.includes('was not saved: another leg or run saved it first'))).toHaveLength(1);
    } finally {
      other.remove();
    }
  });

  test('a cache service that is down, or answering 5xx, gives a warning and the build succeeds', async () => {
    ws.write('app/data.txt', 'cache is down\n');
    cache.mode = 'down';
    const r = await run();
    cache.mode = 'ok';
    expect(r.main.code).toBe(0);
    expect(r.main.stdout).toContain('::warning::Failed to restore');
    expect(r.main.stdout).toContain('::warning::Failed to save');
    expect(r.main.stdout).not.toContain('::error::');
    expect(imageExists(r.tag)).toBe(true);
  });

  test('a cache service that cannot be reached at all gives a warning and the build succeeds', async () => {
    ws.write('app/data.txt', 'no cache service\n');
    const r = await run('{}', { ...cache.env(), ACTIONS_CACHE_URL: 'http://127.0.0.1:9/' });
    expect(r.main.code).toBe(0);
    expect(r.main.stdout).toContain('::warning::Failed to restore');
    expect(r.main.stdout).toContain('::warning::Failed to save');
    expect(r.main.stdout).not.toContain('::error::');
    expect(imageExists(r.tag)).toBe(true);
  });

  test('a Dockerfile with a syntax error names the image and the Dockerfile, and keeps the build log', async () => {
    ws.write('app/Dockerfile', 'FROM ds-e2e-test/debian:bookworm\nRUNN echo typo\n');
    const r = await run();
    expect(r.main.code).not.toBe(0);
    expect(r.main.stdout).toContain('image "app" failed to build from app/Dockerfile');
    expect(r.main.stdout.toLowerCase()).toContain('unknown instruction');
    const log = join(r.runner.outputs()['diagnostics-dir'], 'build-app.log');
    expect(readFileSync(log, 'utf8').toLowerCase()).toContain('unknown instruction');
    ws.write('app/Dockerfile', DOCKERFILE);
  });
});

describe('the container engine', () => {
  test('the provider wins; else docker; podman when it is the only engine on PATH', async () => {
    const { detectEngine } = await import('../src/docker/engine.js');
    const both = makeWorkspace({ 'bin/docker': '', 'bin/podman': '' });
    const podmanOnly = makeWorkspace({ 'bin/podman': '' });
    execFileSync('chmod', ['+x', `${both.dir}/bin/docker`, `${both.dir}/bin/podman`, `${podmanOnly.dir}/bin/podman`]);
    expect(detectEngine(undefined, `${both.dir}/bin`)).toBe('docker');
    expect(detectEngine(undefined, `${podmanOnly.dir}/bin`)).toBe('podman');
    expect(detectEngine('podman', `${both.dir}/bin`)).toBe('podman');
    expect(chooseStrategy({ engine: 'podman', buildx: false, githubHosted: false, cacheService: true })).toMatchObject({ kind: 'inline' });
    both.remove();
    podmanOnly.remove();
  });
});
