/**
 * Builds a service image under its content tag, with the layer cache the strategy names.
 * Same content as a tag already on the host, or an exact cache hit: no build at all.
 * Every line of the build goes to the task log and to `build-<name>.log` in diagnostics-dir;
 * a failure names the image and the Dockerfile and quotes the log's tail.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { CACHE_DIR } from '../cache/cache.js';
import { withPathLock } from '../host/lock.js';
import type { ImageConfig } from '../config/normalize.js';
import type { LogSink } from '../core/log.js';
import { restoreArchive, saveArchive, type ArchiveOptions } from './archive.js';
import type { ContentTag } from './context-hash.js';
import type { Docker } from './docker.js';
import type { CacheStrategy } from './strategy.js';

export interface BuildRequest {
  name: string;
  image: ImageConfig;
  tag: ContentTag;
}

export interface BuildOptions extends ArchiveOptions {
  strategy: CacheStrategy;
  diagnosticsDir: string;
  /** e.g. linux-amd64: layers are per platform. */
  platform: string;
  /** Applied to the build log kept in diagnostics-dir. */
  mask?: (text: string) => string;
}

export type BuildSource = 'present' | 'cache' | 'built';

const BUILD_CACHE_DIR = join(CACHE_DIR, 'build');

export function buildCacheKeys(name: string, hash: string, platform: string): { key: string; restoreKeys: string[] } {
  const prefix = `ds-e2e-setup-build-${platform}-${name}-`;
  return { key: `${prefix}${hash}`, restoreKeys: [prefix] };
}

export async function buildImage(docker: Docker, req: BuildRequest, opts: BuildOptions): Promise<BuildSource> {
  if (await docker.imageExists(req.tag.tag, opts)) {
    opts.log?.write(`${req.tag.tag}: already on the host (same content), no build needed\n`);
    return 'present';
  }
  const s = opts.strategy;
  opts.log?.write(`layer cache: ${s.kind}${s.kind === 'inline' ? ` (${s.builder} builder)` : ''}: ${s.why}\n`);
  const keys = buildCacheKeys(req.name, req.tag.hash, opts.platform);
  const rel = join(BUILD_CACHE_DIR, s.kind, req.name);
  const dir = join(opts.workspace, rel);

  if (s.kind === 'gha') {
    // buildx reads ACTIONS_RUNTIME_TOKEN, ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL and
    // ACTIONS_CACHE_SERVICE_V2 from the environment it inherits from this process.
    // ignore-error: a cache fault must not fail the build.
    const scope = `scope=${req.name}`;
    await runBuild(docker, req, opts, ['--cache-from', `type=gha,${scope}`, '--cache-to', `type=gha,${scope},mode=max,ignore-error=true`]);
    return 'built';
  }

  if (s.kind === 'local') {
    // One leg at a time per shared folder.
    await withPathLock(dir, async () => {
      const hit = await opts.cache.restore([rel], keys.key, keys.restoreKeys);
      // Written beside the old folder, then moved over it, so the cache does not grow without bound.
      const to = `type=local,dest=${dir}-new,mode=max,ignore-error=true`;
      await runBuild(docker, req, opts, [...(hit ? ['--cache-from', `type=local,src=${dir}`] : []), '--cache-to', to]);
      // with ignore-error the export may have written nothing: then there is nothing to save
      if (existsSync(`${dir}-new`)) {
        rmSync(dir, { recursive: true, force: true });
        renameSync(`${dir}-new`, dir);
        await opts.cache.save([rel], keys.key);
      } else {
        opts.log?.write(`cache: the build exported no layer cache; nothing saved\n`);
      }
      rmSync(dir, { recursive: true, force: true });
    });
    return 'built';
  }

  // inline: the image carries its own cache; the archive of the last build is the cache.
  const archive = { path: join(rel, 'image.tar'), key: keys.key };
  const { hit, loaded } = await restoreArchive(docker, archive, opts, keys.restoreKeys);
  if (hit === keys.key && (await docker.imageExists(req.tag.tag, opts))) {
    opts.log?.write(`${req.tag.tag}: restored from the cache (${keys.key}), no build needed\n`);
    return 'cache';
  }
  if (hit) opts.log?.write(`cache: restored ${hit}; layers from ${loaded.join(', ') || 'nothing'}\n`);
  // podman's --cache-from names a registry repository; its loaded layers are reused as they are.
  const args = docker.engine === 'docker' ? loaded.flatMap((ref) => ['--cache-from', ref]) : [];
  if (s.builder === 'buildkit') args.push('--build-arg', 'BUILDKIT_INLINE_CACHE=1');
  await runBuild(docker, req, opts, args);
  await saveArchive(docker, req.tag.tag, archive, opts);
  return 'built';
}

async function runBuild(docker: Docker, req: BuildRequest, opts: BuildOptions, cacheArgs: string[]): Promise<void> {
  const { image } = req;
  const command = opts.strategy.kind === 'inline' ? ['build'] : ['buildx', 'build', '--load'];
  const args = [...command, '--file', image.dockerfile, '--tag', req.tag.tag, ...cacheArgs];
  for (const [k, v] of Object.entries(image.buildArgs)) args.push('--build-arg', `${k}=${v}`);
  if (image.target) args.push('--target', image.target);
  args.push(image.context);
  const file = join(opts.diagnosticsDir, `build-${req.name}.log`);
  const captured: string[] = [];
  const tee: LogSink = {
    write: (t) => {
      captured.push(opts.mask?.(t) ?? t);
      opts.log?.write(t);
    },
  };
  // The classic builder is chosen explicitly, so a docker CLI without buildx does not refuse.
  const env: Record<string, string> = opts.strategy.kind === 'inline' && opts.strategy.builder === 'classic' && docker.engine === 'docker' ? { DOCKER_BUILDKIT: '0' } : {};
  try {
    await docker.build(args, { signal: opts.signal, log: tee, env });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    const tail = captured.join('').trimEnd().split('\n').slice(-15).join('\n');
    throw new Error(
      `image "${req.name}" failed to build from ${relative(opts.workspace, image.dockerfile)}\n--- last lines of the build (full log: ${file}) ---\n${tail}`,
      { cause: err },
    );
  } finally {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, captured.join(''));
  }
}
