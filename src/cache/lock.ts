/**
 * Serialises work on one shared cache path between processes on one host: legs that share a
 * workspace (act with --bind, two CLI runs in one checkout) would otherwise write and delete
 * the same archive under each other. The cache path string must be the same for every leg,
 * since @actions/cache versions entries by it, so the file itself is what gets locked.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';

/** Runs `work` holding `<path>.lock`; `path` itself need not exist. */
export async function withPathLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  const release = await lockfile.lock(path, {
    realpath: false,
    stale: 30_000,
    retries: { retries: 600, minTimeout: 100, maxTimeout: 1000 },
    // The library's default throws from a timer, which would end the process. A lock taken over
    // as stale (a refresh that came late during a long upload) costs at worst a repeated upload.
    onCompromised: () => {},
  });
  try {
    return await work();
  } finally {
    await release().catch(() => {}); // the lock may have been judged stale and taken over
  }
}
