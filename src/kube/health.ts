/** Waits until an exposed service's health path answers 2xx on its host port. */
import { poll } from '../core/poll.js';

export async function waitForHttp(url: string, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<number> {
  const started = Date.now();
  await poll(
    `GET ${url}`,
    async () => {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await r.body?.cancel();
      if (r.status < 200 || r.status > 299) throw new Error(`HTTP ${r.status}`);
    },
    { timeoutMs: opts.timeoutMs, signal: opts.signal, intervalMs: 250 },
  );
  return Date.now() - started;
}
