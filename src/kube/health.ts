/** Waits until an exposed service's health path answers 2xx on its host port. */
import { waitUntilReady } from '../deps/readiness.js';

export function waitForHttp(url: string, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<number> {
  return waitUntilReady(
    `GET ${url}`,
    async () => {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await r.body?.cancel();
      if (r.status < 200 || r.status > 299) throw new Error(`HTTP ${r.status}`);
    },
    { timeoutMs: opts.timeoutMs, signal: opts.signal, intervalMs: 250 },
  );
}
