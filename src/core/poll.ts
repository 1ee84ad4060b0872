/**
 * The one wait loop: try, and on failure wait and try again until the attempt succeeds, the time
 * or the attempts run out, or the signal fires. Every wait in the project goes through it
 * (readiness probes, HTTP retries, host-wide locks, port claims), so each is abortable and
 * keeps the last failure as the `cause` of its error.
 */
import { errorMessage } from './errors.js';

export interface PollOptions {
  /** Cancels the wait, including the pause between attempts. */
  signal?: AbortSignal;
  /** The pause after the first failed attempt. */
  intervalMs: number;
  /** Each pause is the previous one times this (default 1: a fixed interval). */
  factor?: number;
  /** The longest pause, however far the backoff has grown. */
  maxIntervalMs?: number;
  /** Give up once this much time has passed since the first attempt. */
  timeoutMs?: number;
  /** Give up after this many attempts. */
  attempts?: number;
  /** A failure that no retry can fix (a 404, a container that exited): thrown at once. */
  isFinal?: (err: unknown) => boolean;
  /** A pause the failure asks for itself (an HTTP Retry-After), instead of the backoff. */
  pauseFor?: (err: unknown) => number | undefined;
  now?: () => number;
}

/** The wait ran out; `cause` is the last attempt's failure. */
export class PollTimeoutError extends Error {
  override name = 'PollTimeoutError';
  constructor(
    message: string,
    readonly attempts: number,
    options: ErrorOptions,
  ) {
    super(message, options);
  }
}

export async function poll<T>(what: string, attempt: (n: number) => Promise<T>, opts: PollOptions): Promise<T> {
  const now = opts.now ?? Date.now;
  const started = now();
  let pause = opts.intervalMs;
  for (let n = 1; ; n++) {
    opts.signal?.throwIfAborted();
    let last: unknown;
    try {
      const left = opts.timeoutMs === undefined ? undefined : Math.max(0, opts.timeoutMs - (now() - started));
      return await bounded(attempt(n), opts.signal, left);
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (opts.isFinal?.(err)) throw err;
      last = err;
    }
    const elapsed = now() - started;
    const outOfAttempts = opts.attempts !== undefined && n >= opts.attempts;
    const outOfTime = opts.timeoutMs !== undefined && elapsed >= opts.timeoutMs;
    if (outOfAttempts || outOfTime) {
      const limit = outOfTime ? `after ${Math.round(elapsed / 1000)} s and ${n} attempts` : `after ${n} attempts`;
      throw new PollTimeoutError(`${what}: gave up ${limit} (last: ${errorMessage(last)})`, n, { cause: last });
    }
    const wanted = opts.pauseFor?.(last) ?? pause;
    const left = opts.timeoutMs === undefined ? wanted : Math.max(0, Math.min(wanted, opts.timeoutMs - elapsed));
    await sleep(left, opts.signal);
    pause = Math.min(pause * (opts.factor ?? 1), opts.maxIntervalMs ?? Infinity);
  }
}

/**
 * One attempt, given up once the signal fires or the time left runs out: an attempt that never
 * settles (a server that accepts a connection and never answers) cannot hold the wait past
 * either. The attempt itself is left to end on its own; its late result is no news.
 */
function bounded<T>(run: Promise<T>, signal: AbortSignal | undefined, leftMs: number | undefined): Promise<T> {
  run.catch(() => undefined);
  if (!signal && leftMs === undefined) return run;
  return new Promise<T>((resolve, reject) => {
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = (): void => finish(() => reject(signal?.reason));
    const timer = leftMs === undefined ? undefined : setTimeout(() => finish(() => reject(new Error(`no answer within ${leftMs} ms`))), leftMs);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    run.then(
      (value) => finish(() => resolve(value)),
      (err: unknown) => finish(() => reject(err)),
    );
  });
}

/** A pause that the signal cuts short, rejecting with its reason. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
