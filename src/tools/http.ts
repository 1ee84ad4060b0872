/**
 * Downloads with the retry policy users expect from CI: retry on 5xx, 429 and timeouts only
 * (honouring Retry-After), fail at once on any other status, such as a 404, naming the URL.
 */
import { createWriteStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

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
  ) {
    super(message);
  }
}

type Attempt<T> = (response: Response, signal: AbortSignal) => Promise<T>;

async function withRetries<T>(url: string, policy: RetryPolicy, signal: AbortSignal | undefined, use: Attempt<T>): Promise<T> {
  let last = new HttpError(`GET ${url} failed`);
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (attempt > 1) await sleep(pause(last, policy.backoffMs * 2 ** (attempt - 2)), signal);
    signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const response = await fetch(url, { signal: both, redirect: 'follow' });
      if (!response.ok) {
        await response.body?.cancel();
        last = new HttpError(`GET ${url}: HTTP ${response.status} ${response.statusText}`.trim(), response.status);
        last.retryAfter = Number(response.headers.get('retry-after')) || undefined;
        if (response.status >= 500 || response.status === 429) continue;
        throw last; // 404 and other client errors: retrying cannot help
      }
      return await use(response, both);
    } catch (err) {
      if (err === last) throw err;
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) last = new HttpError(`GET ${url}: no complete answer within ${policy.timeoutMs / 1000} s`);
      else if (isNetworkError(err)) last = new HttpError(`GET ${url}: ${describeNetworkError(err)}`);
      else throw err;
    }
  }
  throw new HttpError(`${last.message} (gave up after ${policy.attempts} attempts)`, last.status);
}

function pause(last: HttpError, backoff: number): number {
  return last.retryAfter ? Math.min(last.retryAfter * 1000, 30_000) : backoff;
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

/** The connection failed before an answer: worth another try, like a 503. */
function isNetworkError(err: unknown): boolean {
  return err instanceof TypeError; // fetch reports refused/reset connections as TypeError("fetch failed")
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

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    }, { once: true });
  });
}
