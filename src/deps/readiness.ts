/** Polls a real protocol check until it passes, the container dies, or the time runs out. */
export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
  /** Checked between probes: a container that exited will never become ready. */
  alive?: () => Promise<boolean>;
}

export class NotReadyError extends Error {
  override name = 'NotReadyError';
}

export async function waitUntilReady(what: string, probe: () => Promise<void>, opts: WaitOptions): Promise<number> {
  const started = Date.now();
  let last: unknown;
  for (let tries = 1; ; tries++) {
    opts.signal?.throwIfAborted();
    try {
      await probe();
      return Date.now() - started;
    } catch (err) {
      last = err;
    }
    if (opts.alive && !(await opts.alive())) {
      throw new NotReadyError(`${what} stopped before it was ready (last probe: ${message(last)})`);
    }
    if (Date.now() - started >= opts.timeoutMs) {
      throw new NotReadyError(`${what} was not ready after ${Math.round(opts.timeoutMs / 1000)} s and ${tries} probes (last: ${message(last)})`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}
