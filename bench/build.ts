/**
 * A service image with a slow RUN step, built cold (no image, no builder cache, no cache entry)
 * and warm (image deleted and builder cache pruned, then the cache restored), side by side.
 * Warm is measured twice: the same content (an exact hit) and a change after the slow step
 * (the last build's layers are reused). Target: warm/cold <= 0.25.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionsCacheStore, TolerantCache } from '../src/cache/cache.js';
import { buildImage } from '../src/docker/build.js';
import { contentTag } from '../src/docker/context-hash.js';
import { Docker } from '../src/docker/docker.js';
import type { Later } from '../src/core/log.js';
import { ProcessRunner } from '../src/exec/runner.js';
import { CacheServer } from '../__tests__/helpers/cache-server.js';
import { report, timeIt } from './util.js';

const SLOW_SECONDS = 8;

export async function benchBuild(): Promise<void> {
  const server = await new CacheServer().start();
  Object.assign(process.env, server.env());
  const ws = mkdtempSync(join(tmpdir(), 'bench-build-'));
  // @actions/cache takes relative paths from the working folder, as a runner sets it: the workspace.
  const cwd = process.cwd();
  process.chdir(ws);
  const ctx = join(ws, 'app');
  mkdirSync(ctx);
  writeFileSync(join(ctx, 'Dockerfile'), `FROM ds-e2e-test/debian:bookworm\nRUN sleep ${SLOW_SECONDS} && date +%s%N > /slow\nCOPY data.txt /data.txt\n`);
  const docker = new Docker(new ProcessRunner());
  const cache = new TolerantCache(new ActionsCacheStore(), { warn: (m) => console.warn(m), info() {} });
  const build = async (data: string) => {
    writeFileSync(join(ctx, 'data.txt'), data);
    const image = { context: ctx, dockerfile: join(ctx, 'Dockerfile'), buildArgs: {} };
    const tag = contentTag('bench', image);
    const saves: Promise<void>[] = [];
    const later: Later = (_label, work) => saves.push(work({ write() {} }));
    const strategy = { kind: 'inline' as const, builder: 'classic' as const, why: 'bench' };
    const opts = { cache, workspace: ws, diagnosticsDir: join(ws, 'diag'), platform: 'bench', strategy, later };
    // ready: what the graph waits for; the cache upload then runs beside the rest of the graph
    const r = await timeIt(() => buildImage(docker, { name: 'bench', image, tag }, opts));
    const save = await timeIt(() => Promise.all(saves));
    return { ...r, saveMs: save.ms, tag: tag.tag };
  };
  const reset = (tag: string) => {
    execFileSync('docker', ['rmi', '--force', tag], { stdio: 'ignore' });
    execFileSync('docker', ['builder', 'prune', '--all', '--force'], { stdio: 'ignore' });
  };
  try {
    const first = `first ${Date.now()}`; // new content each run, so the cold build is really cold
    const cold = await build(first);
    reset(cold.tag);
    const exact = await build(first);
    reset(exact.tag);
    const changed = await build(`changed ${Date.now()}`);
    reset(changed.tag);
    report(
      'image build (slow RUN step)',
      {
        cold_ms: cold.ms,
        warm_same_ms: exact.ms,
        warm_changed_ms: changed.ms,
        'same/cold': exact.ms / cold.ms,
        'changed/cold': changed.ms / cold.ms,
        deferred_save_ms: changed.saveMs,
      },
      { ok: changed.ms / cold.ms <= 0.25 && exact.ms / cold.ms <= 0.25, text: 'warm/cold <= 0.25' },
    );
  } finally {
    await server.stop();
    process.chdir(cwd);
    rmSync(ws, { recursive: true, force: true });
  }
}
