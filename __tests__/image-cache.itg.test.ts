import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { ActionsCacheStore } from '../src/cache/cache.js';
import { saveArchive } from '../src/docker/archive.js';
import { Docker } from '../src/docker/docker.js';
import { ensureImage, imageArchive } from '../src/docker/images.js';
import { ProcessRunner } from '../src/exec/runner.js';
import { CacheServer } from './helpers/cache-server.js';
import { imageExists, imageId, leftovers, removeImage } from './helpers/docker.js';
import { RateLimitProxy, Registry } from './helpers/registry.js';
import { RunnerFiles, runAction } from './helpers/run.js';
import { makeWorkspace, type Workspace } from './helpers/workspace.js';

/**
 * The rate-limit fix, end to end: an image pulled once (from a real registry on loopback) is
 * saved through the cache API; later runs restore it even while the registry answers 429.
 */
describe('dependency images through the cache', () => {
  let registry: Registry;
  let proxy: RateLimitProxy;
  let cache: CacheServer;
  let ws: Workspace;
  let ref: string;

  beforeAll(async () => {
    registry = await new Registry().start();
    proxy = await new RateLimitProxy(registry).start();
    cache = await new CacheServer().start();
    registry.push('ds-e2e-test/redis:7', 'e2e/redis-cached:7');
    ref = `${proxy.host}/e2e/redis-cached:7`;
    ws = makeWorkspace({ 'e2e.yaml': `name: it-cache\nredis:\n  image: ${ref}\n` });
  });
  afterAll(async () => {
    removeImage(ref);
    await Promise.all([registry.stop(), proxy.stop(), cache.stop()]);
    ws.remove();
  });

  const run = async (cacheOn: boolean) => {
    const runner = new RunnerFiles();
    const env = { GITHUB_WORKSPACE: ws.dir, ...cache.env() };
    const main = await runAction('main', runner.processEnv({ config: 'e2e.yaml', cache: String(cacheOn) }, env));
    const labels = JSON.parse(runner.saved().leg).labels as Record<string, string>;
    const post = await runAction('post', runner.postEnv({}, env));
    expect(post.code).toBe(0);
    expect(leftovers(labels).containers).toEqual([]);
    return main;
  };

  test('first run pulls and saves the image; a later run restores it while the registry answers 429', async () => {
    proxy.limited = false;
    const first = await run(true);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`${ref}: saved to the cache as ds-e2e-setup-image-`);
    expect(cache.saved()).toHaveLength(1);
    expect(proxy.hits).toBeGreaterThan(0);

    execFileSync('docker', ['rmi', ref]);
    proxy.limited = true;
    proxy.hits = 0;
    const second = await run(true);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`${ref}: restored from the cache (ds-e2e-setup-image-`);
    expect(proxy.hits).toBe(0);
  });

  test('a reference pinned by digest is restored too, and runs from the tag it was saved under', async () => {
    const pushed = registry.pushWithDigest('ds-e2e-test/redis:7', 'e2e/redis-digest:7');
    const tagged = `${proxy.host}/e2e/redis-digest:7`;
    const pinned = `${tagged}@${pushed.digest}`;
    ws.write('e2e.yaml', `name: it-cache\nredis:\n  image: ${pinned}\n`);
    try {
      proxy.limited = false;
      const first = await run(true);
      expect(first.code).toBe(0);
      expect(first.stdout).toContain(`${pinned}: saved to the cache as ds-e2e-setup-image-`);
      // drop the name (its digest goes with it); the image itself stays, since the test image shares it
      execFileSync('docker', ['rmi', tagged]);
      expect(imageExists(pinned)).toBe(false);
      proxy.limited = true;
      proxy.hits = 0;
      const second = await run(true);
      expect(second.code).toBe(0);
      expect(second.stdout).toContain(`${pinned}: restored from the cache (ds-e2e-setup-image-`);
      expect(second.stdout).toContain(`as ${tagged}`);
      expect(second.stdout).toContain('✔ redis');
      expect(proxy.hits).toBe(0);
    } finally {
      ws.write('e2e.yaml', `name: it-cache\nredis:\n  image: ${ref}\n`);
      removeImage(tagged);
    }
  });

  // docker load prints docker.io names short (`e2e-fq/redis:7`); podman writes them out. Neither
  // may turn a restore into a pull: here no pull could succeed, so only the cache can answer.
  test('a docker.io reference is restored from the cache and found by its own name, not by the short name docker load prints', async () => {
    const fq = 'docker.io/e2e-fq/redis:7';
    const docker = new Docker(new ProcessRunner());
    // in this process, as a runner sets it: the cache service's variables, the workspace as the working folder
    const saved = { env: { ...process.env }, cwd: process.cwd() };
    Object.assign(process.env, cache.env(), { GITHUB_WORKSPACE: ws.dir });
    process.chdir(ws.dir);
    try {
      execFileSync('docker', ['tag', 'ds-e2e-test/redis:7', fq]);
      const opts = { cache: new ActionsCacheStore(), workspace: ws.dir, platform: 'linux-amd64' };
      await saveArchive(docker, fq, imageArchive(fq, opts.platform), opts);
      removeImage(fq);
      expect(imageExists(fq)).toBe(false);
      const got = await ensureImage(docker, fq, { ...opts, pullTimeoutMs: 20_000 });
      const id = imageId('ds-e2e-test/redis:7');
      expect(got).toEqual({ source: 'cache', localRef: fq, id }); // the same image, and its id read on the way
      expect(imageExists(fq)).toBe(true);
    } finally {
      process.env = saved.env;
      process.chdir(saved.cwd);
      removeImage(fq);
    }
  });

  test('without the cache, a 429 fails fast with a message that names the image and the rate limit', async () => {
    removeImage(ref);
    proxy.limited = true;
    const started = Date.now();
    const r = await run(false);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain(`image "${ref}" is not on the host and could not be pulled`);
    expect(r.stdout).toContain('rate-limiting pulls');
  });

  test('a cache service that is down costs a warning, not the run', async () => {
    removeImage(ref);
    proxy.limited = false;
    cache.mode = 'down';
    const r = await run(true);
    cache.mode = 'ok';
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('::warning::Failed to restore');
    expect(r.stdout).toContain('::warning::Failed to save');
    expect(r.stdout).not.toContain('::error::');
    expect(r.stdout).toContain('✔ redis');
  });
});
