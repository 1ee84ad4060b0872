/**
 * Downloads with the retry policy users expect from CI: retry on 5xx, 429 and timeouts only
 * (honouring Retry-After), fail at once on any other status, such as a 404, naming the URL.
 */
import { createWriteStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { poll, PollTimeoutError } from '../core/poll.js';

export interface RetryPolicy {
  attempts: number;
  /** First pause between attempts; doubles each time. */
  backoffMs: number;
  /** Per attempt, for the whole response. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, backoffMs: 1000, timeoutMs: 120_000 };

export class HttpError extends Error {
  override name = 'HttpError';
  retryAfter?: number;
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

type Attempt<T> = (response: Response, signal: AbortSignal) => Promise<T>;

/** Worth another attempt: no answer at all (a refused connection, a timeout), a 5xx or a 429. A 404 or a bad body is not. */
function retryable(err: unknown): boolean {
  return err instanceof HttpError && (err.status === undefined || err.status >= 500 || err.status === 429);
}

async function withRetries<T>(url: string, policy: RetryPolicy, signal: AbortSignal | undefined, use: Attempt<T>): Promise<T> {
  const once = async (): Promise<T> => {
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const response = await fetch(url, { signal: both, redirect: 'follow' });
      if (!response.ok) {
        await response.body?.cancel();
        const failed = new HttpError(`GET ${url}: HTTP ${response.status} ${response.statusText}`.trim(), response.status);
        failed.retryAfter = Number(response.headers.get('retry-after')) || undefined;
        throw failed;
      }
      return await use(response, both);
    } catch (err) {
      if (err instanceof HttpError || signal?.aborted) throw err;
      if (timeout.aborted) throw new HttpError(`GET ${url}: no complete answer within ${policy.timeoutMs / 1000} s`, undefined, { cause: err });
      // fetch reports refused and reset connections as TypeError("fetch failed"): worth another try, like a 503
      if (err instanceof TypeError) throw new HttpError(`GET ${url}: ${describeNetworkError(err)}`, undefined, { cause: err });
      throw err;
    }
  };
  try {
    return await poll(`GET ${url}`, once, {
      signal,
      intervalMs: policy.backoffMs,
      factor: 2,
      attempts: policy.attempts,
      isFinal: (err) => !retryable(err),
      pauseFor: (err) => (err instanceof HttpError && err.retryAfter ? Math.min(err.retryAfter * 1000, 30_000) : undefined),
    });
  } catch (err) {
    if (!(err instanceof PollTimeoutError)) throw err;
    const last = err.cause instanceof HttpError ? err.cause : undefined;
    throw new HttpError(`${last?.message ?? `GET ${url} failed`} (gave up after ${err.attempts} attempts)`, last?.status, { cause: err.cause });
  }
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

export function fetchText(url: string, policy = DEFAULT_RETRY, signal?: AbortSignal): Promise<string> {
  return withRetries(url, policy, signal, (r) => r.text());
}

/** Streams the body to `dest` and returns its sha256 (hex) and its first bytes, for the type check. */
export function fetchFile(
  url: string,
  dest: string,
  policy = DEFAULT_RETRY,
  signal?: AbortSignal,
): Promise<{ sha256: string; head: Buffer; bytes: number }> {
  return withRetries(url, policy, signal, async (response, both) => {
    const hash = createHash('sha256');
    let head = Buffer.alloc(0);
    let bytes = 0;
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
      if (head.length < 512) head = Buffer.concat([head, chunk]).subarray(0, 512);
    });
    await pipeline(body, createWriteStream(dest, { mode: 0o644 }), { signal: both });
    return { sha256: hash.digest('hex'), head, bytes };
  });
}
