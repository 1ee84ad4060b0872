/**
 * An image archive on its way to or from the cache. The archive lives in the workspace only
 * while it is being loaded or uploaded, under a lock on its path, since legs that share a
 * workspace (act with --bind, two CLI runs in one checkout) use the same path.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CacheStore } from '../cache/cache.js';
import { withPathLock } from '../host/lock.js';
import type { Call, Later, LogSink } from '../core/log.js';
import type { Docker } from './docker.js';

export interface ArchiveOptions extends Call {
  cache: CacheStore;
  workspace: string;
  later?: Later;
}

export interface CachedArchive {
  /** Relative to the workspace: @actions/cache versions entries by their path strings. */
  path: string;
  key: string;
}

/** Restores the archive (its key, else the newest of `restoreKeys`) and loads it; the key that matched, and what loading named. */
export async function restoreArchive(
  docker: Docker,
  archive: CachedArchive,
  opts: ArchiveOptions,
  restoreKeys: string[] = [],
): Promise<{ hit?: string; loaded: string[] }> {
  if (!opts.cache.enabled) return { loaded: [] };
  const full = join(opts.workspace, archive.path);
  const call = { signal: opts.signal, log: opts.log };
  return withPathLock(full, async () => {
    try {
      const hit = await opts.cache.restore([archive.path], archive.key, restoreKeys);
      return { hit, loaded: hit ? await docker.load(full, call) : [] };
    } finally {
      rmSync(full, { force: true });
    }
  });
}

/**
 * Saves `image` and uploads it as the archive. With `later`, nothing waits for the upload: the
 * image is ready for its next step now. `name` is how the log names the image.
 */
export async function saveArchive(docker: Docker, image: string, archive: CachedArchive, opts: ArchiveOptions, name = image): Promise<void> {
  if (!opts.cache.enabled) return;
  const full = join(opts.workspace, archive.path);
  const save = (log?: LogSink) =>
    withPathLock(full, async () => {
      try {
        await docker.save(image, full);
        if (await opts.cache.save([archive.path], archive.key)) log?.write(`${name}: saved to the cache as ${archive.key}\n`);
      } finally {
        rmSync(full, { force: true });
      }
    });
  if (opts.later) opts.later(`cache save of ${name}`, save);
  else await save(opts.log);
}
