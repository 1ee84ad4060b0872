/**
 * A real registry on 127.0.0.1 (Debian's docker-registry), and a proxy in front of it that
 * can answer 429 like a rate-limited Docker Hub. Docker pushes to and pulls from loopback
 * registries without TLS.
 */
import { spawn, type ChildProcess, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { createServer as netServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function freePort(): Promise<number> {
  const s = netServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

export class Registry {
  port = 0;
  private proc?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'registry-'));

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.port = await freePort();
    const config = join(this.dir, 'config.yml');
    writeFileSync(
      config,
      `version: 0.1\nlog: { level: error }\nstorage: { filesystem: { rootdirectory: ${join(this.dir, 'data')} } }\nhttp: { addr: "${this.host}" }\n`,
    );
    this.proc = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
    let failed: Error | undefined;
    this.proc.on('error', (e) => (failed = e));
    for (let i = 0; i < 100 && !failed; i++) {
      try {
        const r = await fetch(`http://${this.host}/v2/`);
        if (r.ok) return this;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`docker-registry did not start${failed ? `: ${failed.message}` : ''}`);
  }

  /** Pushes a local image under `name` and removes the local tag, so only the registry has it. */
  push(localRef: string, name: string): string {
    return this.pushWithDigest(localRef, name).ref;
  }

  /** Like push; also returns the manifest digest the registry answered with. */
  pushWithDigest(localRef: string, name: string): { ref: string; digest: string } {
    const ref = `${this.host}/${name}`;
    execFileSync('docker', ['tag', localRef, ref]);
    const out = execFileSync('docker', ['push', ref], { encoding: 'utf8' });
    execFileSync('docker', ['rmi', ref]);
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(out)?.[1];
    if (!digest) throw new Error(`no digest in docker push output:\n${out}`);
    return { ref, digest };
  }

  async stop(): Promise<void> {
    this.proc?.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Forwards to a registry, or answers 429 Too Many Requests while `limited` is set. */
export class RateLimitProxy {
  limited = true;
  hits = 0;
  private server!: Server;

  constructor(private readonly upstream: Registry) {}

  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.hits++;
      if (this.limited) {
        res.writeHead(429, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'You have reached your pull rate limit.' }] }));
        return;
      }
      const up = request({ host: '127.0.0.1', port: this.upstream.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}
