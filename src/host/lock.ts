/**
 * Serialises work on one shared path between processes on one host: legs that share a
 * workspace (act with --bind, two CLI runs in one checkout) would otherwise write and delete
 * the same cache archive under each other, and legs on one runner would claim the same port.
 * The cache path string must be the same for every leg, since @actions/cache versions entries
 * by it, so the file itself is what gets locked.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { poll } from '../core/poll.js';

/** How long a leg waits for another to finish with the same path (a long cache upload). */
const WAIT_MS = 10 * 60_000;

/** Runs `work` holding `<path>.lock`; `path` itself need not exist. */
export async function withPathLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  const take = () =>
    lockfile.lock(path, {
      realpath: false,
      stale: 30_000,
      retries: 0, // the waiting is poll's, so it is abortable and one loop for the whole project
      // The library's default throws from a timer, which would end the process. A lock taken over
      // as stale (a refresh that came late during a long upload) costs at worst a repeated upload.
      onCompromised: () => {},
    });
  const release = await poll(`lock ${path}`, take, {
    intervalMs: 100,
    factor: 2,
    maxIntervalMs: 1000,
    timeoutMs: WAIT_MS,
    // only "held by someone else" is worth waiting for
    isFinal: (err) => (err as NodeJS.ErrnoException).code !== 'ELOCKED',
  });
  try {
    return await work();
  } finally {
    await release().catch(() => {}); // the lock may have been judged stale and taken over
  }
}
