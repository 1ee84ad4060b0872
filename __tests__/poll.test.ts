/** Every wait ends on time: an attempt that never settles cannot hold a wait past its timeout or its abort. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { presetFor } from '../src/deps/presets.js';
import { waitUntilReady } from '../src/deps/readiness.js';

/** A server on loopback that accepts every connection and never says a word. */
let silent: Server;
const sockets: Socket[] = [];
let port: number;

beforeAll(async () => {
  silent = createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  port = (silent.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
});

const redis = () => presetFor('redis', {}, 'redis:7', 'pw');

describe('a Redis probe against a server that accepts and never answers', () => {
  test('fails within its timeout plus 1 s', async () => {
    const started = Date.now();
    await expect(waitUntilReady('redis', () => redis().probe('127.0.0.1', port), { timeoutMs: 2000 })).rejects.toThrow('redis');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test('ends within 1 s of an abort', async () => {
    const stop = new AbortController();
    const started = Date.now();
    setTimeout(() => stop.abort(new Error('cancelled')), 500);
    await expect(waitUntilReady('redis', () => redis().probe('127.0.0.1', port), { timeoutMs: 60_000, signal: stop.signal })).rejects.toThrow('cancelled');
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
