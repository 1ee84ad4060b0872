/** Polls a real protocol check until it passes, the container dies, or the time runs out. */
import { errorMessage } from '../core/errors.js';
import { poll, PollTimeoutError } from '../core/poll.js';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
  /** Checked after a failed probe: a container that exited will never become ready. */
  alive?: () => Promise<boolean>;
}

export class NotReadyError extends Error {
  override name = 'NotReadyError';
}

/** Resolves with the milliseconds it took. */
export async function waitUntilReady(what: string, probe: () => Promise<void>, opts: WaitOptions): Promise<number> {
  const started = Date.now();
  const attempt = async (): Promise<void> => {
    try {
      await probe();
    } catch (err) {
      if (opts.alive && !(await opts.alive())) {
        throw new NotReadyError(`${what} stopped before it was ready (last probe: ${errorMessage(err)})`, { cause: err });
      }
      throw err;
    }
  };
  try {
    await poll(what, attempt, {
      signal: opts.signal,
      intervalMs: opts.intervalMs ?? 100,
      timeoutMs: opts.timeoutMs,
      isFinal: (err) => err instanceof NotReadyError,
    });
  } catch (err) {
    if (!(err instanceof PollTimeoutError)) throw err;
    throw new NotReadyError(
      `${what} was not ready after ${Math.round(opts.timeoutMs / 1000)} s and ${err.attempts} probes (last: ${errorMessage(err.cause)})`,
      { cause: err.cause },
    );
  }
  return Date.now() - started;
}
