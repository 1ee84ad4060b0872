/** Polls a real protocol check until it passes, the container dies, or the time runs out. */
import { errorMessage } from '../core/errors.js';
import { poll, PollTimeoutError } from '../core/poll.js';

export interface WaitOptions {
  timeoutMs: number;
  /** The first pause; each next one is half as long again, up to 50 ms. */
  intervalMs?: number;
  signal?: AbortSignal;
  /** Checked after a failed probe: a container that exited will never become ready. */
  alive?: () => Promise<boolean>;
}

export class NotReadyError extends Error {
  override name = 'NotReadyError';
}

/** How often a failed probe also asks whether the container still runs: each ask is a docker call. */
const ALIVE_EVERY_MS = 1000;

/** Resolves with the milliseconds it took. */
export async function waitUntilReady(what: string, probe: () => Promise<void>, opts: WaitOptions): Promise<number> {
  const started = Date.now();
  let askedAt = started;
  const attempt = async (): Promise<void> => {
    try {
      await probe();
    } catch (err) {
      if (opts.alive && Date.now() - askedAt >= ALIVE_EVERY_MS) {
        askedAt = Date.now();
        if (await opts.alive()) throw err;
        throw new NotReadyError(`${what} stopped before it was ready (last probe: ${errorMessage(err)})`, { cause: err });
      }
      throw err;
    }
  };
  try {
    await poll(what, attempt, {
      signal: opts.signal,
      // a short first pause, backing off: a server that is nearly up is caught at once, one that
      // takes seconds is not asked a hundred times
      intervalMs: opts.intervalMs ?? 10,
      factor: 1.5,
      maxIntervalMs: 50,
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
