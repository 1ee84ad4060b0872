/**
 * A loopback server speaking the Actions cache v1 API, the one `act`'s built-in cache server
 * speaks: look up by keys and version, reserve, upload in ranges, commit, download.
 * `mode` scripts faults: 'down' answers 503 to everything.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Entry {
  id: number;
  key: string;
  version: string;
  chunks: { start: number; data: Buffer }[];
  data?: Buffer;
  committed: number;
}

export class CacheServer {
  readonly entries: Entry[] = [];
  readonly log: string[] = [];
  mode: 'ok' | 'down' = 'ok';
  /** When set, lookups get no answer until this many have arrived: legs that race, for certain. */
  holdLookups = 0;
  private held: (() => void)[] = [];
  private server!: Server;
  private clock = 0;

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** The variables a runner sets for the cache client. */
  env(): NodeJS.ProcessEnv {
    return { ACTIONS_CACHE_URL: this.url, ACTIONS_RUNTIME_TOKEN: 'test-token', ACTIONS_CACHE_SERVICE_V2: '' };
  }

  saved(): string[] {
    return this.entries.filter((e) => e.data).map((e) => e.key);
  }

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const body: Buffer[] = [];
      for await (const chunk of req) body.push(chunk as Buffer);
      const raw = Buffer.concat(body);
      const url = new URL(req.url ?? '/', this.url);
      this.log.push(`${req.method} ${url.pathname}`);
      const json = (status: number, value?: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(value === undefined ? '' : JSON.stringify(value));
      };
      if (this.mode === 'down') return json(503, { message: 'cache service unavailable' });
      const path = url.pathname.replace(/^\/_apis\/artifactcache\//, '');
      if (req.method === 'GET' && path === 'cache') {
        if (this.holdLookups > 0) {
          const answered = new Promise<void>((release) => this.held.push(release));
          if (this.held.length >= this.holdLookups) {
            this.holdLookups = 0;
            for (const release of this.held.splice(0)) release();
          }
          await answered;
        }
        const version = url.searchParams.get('version');
        const keys = (url.searchParams.get('keys') ?? '').split(',');
        const done = this.entries.filter((e) => e.data && e.version === version);
        for (const [i, key] of keys.entries()) {
          // the primary key matches exactly; restore keys match as prefixes, newest first
          const hit = done.filter((e) => (i === 0 ? e.key === key : e.key.startsWith(key))).sort((a, b) => b.committed - a.committed)[0];
          if (hit) return json(200, { result: 'hit', cacheKey: hit.key, archiveLocation: `${this.url}_apis/artifactcache/artifacts/${hit.id}` });
        }
        return json(204);
      }
      if (req.method === 'POST' && path === 'caches') {
        const { key, version } = JSON.parse(raw.toString()) as { key: string; version: string };
        if (this.entries.some((e) => e.key === key && e.version === version)) return json(409, { message: `${key} already exists` });
        const entry: Entry = { id: this.entries.length + 1, key, version, chunks: [], committed: 0 };
        this.entries.push(entry);
        return json(200, { cacheId: entry.id });
      }
      const upload = /^caches\/(\d+)$/.exec(path);
      if (upload) {
        const entry = this.entries.find((e) => e.id === Number(upload[1]));
        if (!entry) return json(404, { message: 'no such cache' });
        if (req.method === 'PATCH') {
          const start = Number(/bytes (\d+)-/.exec(req.headers['content-range'] ?? '')?.[1] ?? 0);
          entry.chunks.push({ start, data: raw });
          return json(200);
        }
        if (req.method === 'POST') {
          entry.data = Buffer.concat(entry.chunks.sort((a, b) => a.start - b.start).map((c) => c.data));
          entry.committed = ++this.clock;
          return json(200);
        }
      }
      const artifact = /^artifacts\/(\d+)$/.exec(path);
      if (req.method === 'GET' && artifact) {
        const entry = this.entries.find((e) => e.id === Number(artifact[1]));
        if (!entry?.data) return json(404);
        res.writeHead(200, { 'content-length': entry.data.length });
        return void res.end(entry.data);
      }
      json(404, { message: `no route ${req.method} ${url.pathname}` });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}
