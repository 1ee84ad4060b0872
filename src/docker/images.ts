/**
 * Makes sure an image is on the host: present, else restored from the cache, else pulled (and
 * then saved to the cache, so the next run does not hit the registry: the rate-limit fix).
 * A pull that fails says which image and why, within seconds.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { shortHash } from '../config/identity.js';
import type { CacheStore } from '../cache/cache.js';
import { withPathLock } from '../cache/lock.js';
import { CommandError } from '../exec/runner.js';
import type { LogSink } from '../engine/types.js';
import type { Call, Docker, Later } from './docker.js';

export type ImageSource = 'present' | 'cache' | 'pulled';

/**
 * Relative to the workspace, the same string on every leg and runner: @actions/cache versions
 * entries by their path strings, so this is what lets legs share one entry per image.
 */
export const IMAGE_CACHE_DIR = '.ds-e2e-cache/images';

export function imageCacheKey(ref: string, platform: string): string {
  return `ds-e2e-setup-image-${platform}-${shortHash(ref, 16)}`;
}

export interface EnsureImageOptions extends Call {
  cache: CacheStore;
  workspace: string;
  /** e.g. linux-amd64: an image archive is per platform. */
  platform: string;
  pullTimeoutMs?: number;
  later?: Later;
}

export interface EnsuredImage {
  source: ImageSource;
  /** The reference that names the image on this host: `ref`, or for a digest reference restored
   * from the cache (docker load keeps tags, not digests) the tag it was saved under. */
  localRef: string;
}

/**
 * An archive keeps tags, not digests: a `name[:tag]@sha256:…` reference is saved under a tag
 * (its own, else one made from the digest), which is what names it after a restore.
 */
export function archiveTag(ref: string): string {
  const at = ref.indexOf('@sha256:');
  if (at < 0) return ref;
  const name = ref.slice(0, at);
  const lastSlash = name.lastIndexOf('/');
  return name.slice(lastSlash + 1).includes(':') ? name : `${name}:digest-${ref.slice(at + 8, at + 8 + 16)}`;
}

export async function ensureImage(docker: Docker, ref: string, opts: EnsureImageOptions): Promise<EnsuredImage> {
  const call = { signal: opts.signal, log: opts.log };
  if (await docker.imageExists(ref, call)) {
    opts.log?.write(`${ref}: present on the host\n`);
    return { source: 'present', localRef: ref };
  }
  const local = archiveTag(ref);
  const key = imageCacheKey(ref, opts.platform);
  const rel = join(IMAGE_CACHE_DIR, `${shortHash(ref, 16)}.tar`);
  const tar = join(opts.workspace, rel);
  if (!opts.cache.enabled) {
    await pull(docker, ref, opts);
    return { source: 'pulled', localRef: ref };
  }
  const restored = await withPathLock(tar, async () => {
    try {
      if (!(await opts.cache.restore([rel], key))) return false;
      const loaded = await docker.load(tar, call);
      return loaded.includes(local) && (await docker.imageExists(local, call));
    } finally {
      rmSync(tar, { force: true });
    }
  });
  if (restored) {
    opts.log?.write(`${ref}: restored from the cache (${key}) as ${local}\n`);
    return { source: 'cache', localRef: local };
  }
  await pull(docker, ref, opts);
  if (local !== ref) await docker.tag(ref, local, call);
  const save = (log?: LogSink) =>
    withPathLock(tar, async () => {
      try {
        await docker.save(local, tar);
        if (await opts.cache.save([rel], key)) log?.write(`${ref}: saved to the cache as ${key}\n`);
      } finally {
        rmSync(tar, { force: true });
      }
    });
  if (opts.later) opts.later(`cache save of ${ref}`, save);
  else await save(opts.log);
  return { source: 'pulled', localRef: ref };
}

async function pull(docker: Docker, ref: string, opts: EnsureImageOptions): Promise<void> {
  const timeout = AbortSignal.timeout(opts.pullTimeoutMs ?? 10 * 60_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  try {
    await docker.pull(ref, { signal, log: opts.log });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    if (timeout.aborted) throw new Error(`image "${ref}" could not be pulled: no answer within ${(opts.pullTimeoutMs ?? 600_000) / 1000} s`);
    const text = err instanceof CommandError ? `${err.stderr}${err.stdout}` : String(err);
    const last = text.trim().split('\n').pop() ?? '';
    const hint = /toomanyrequests|429|rate limit/i.test(text)
      ? '\nThe registry is rate-limiting pulls. With `cache: true` an image pulled once is restored from the cache on later runs; or name a mirror in `image:`.'
      : /not found|manifest unknown|does not exist/i.test(text)
        ? '\nCheck the image name and tag.'
        : '';
    throw new Error(`image "${ref}" is not on the host and could not be pulled: ${last}${hint}`);
  }
}
