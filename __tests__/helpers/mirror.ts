/**
 * A loopback HTTP server that plays the download mirror for kind and kubectl: real ELF bodies,
 * their checksum files beside them, `stable-1.X.txt`, and scripted faults per path.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = { status: number; body?: string; headers?: Record<string, string> } | { hangMs: number };

export class Mirror {
  readonly requests: string[] = [];
  /** Per path: answers to give before the normal one, in order. */
  readonly faults = new Map<string, Fault[]>();
  /** Per path: a body to serve instead of the binary (e.g. an HTML page). */
  readonly bodies = new Map<string, string | Buffer>();
  readonly stable: Record<string, string> = { '1.34': 'v1.34.7' };
  private server!: Server;
  private readonly elf = readFileSync('/bin/true');

  /** A distinct, real ELF executable per path, so each version has its own checksum. */
  binary(path: string): Buffer {
    return Buffer.concat([this.elf, Buffer.from(`\n${path}\n`)]);
  }

  sha256(path: string): string {
    return createHash('sha256').update(this.bodies.get(path) ?? this.binary(path)).digest('hex');
  }

  get base(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  get kindUrl(): string {
    return `${this.base}/kind/{version}/kind-{os}-{arch}`;
  }
  get kubectlUrl(): string {
    return `${this.base}/k8s/release/{version}/bin/{os}/{arch}/kubectl`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const path = req.url ?? '/';
      this.requests.push(path);
      const fault = this.faults.get(path)?.shift();
      if (fault && 'hangMs' in fault) {
        setTimeout(() => res.end(this.binary(path)), fault.hangMs);
        return;
      }
      if (fault) {
        res.writeHead(fault.status, fault.headers);
        res.end(fault.body ?? '');
        return;
      }
      const stable = /\/stable-(\d+\.\d+)\.txt$/.exec(path);
      if (stable) {
        if (!this.stable[stable[1]]) return void res.writeHead(404).end();
        return void res.end(`${this.stable[stable[1]]}\n`);
      }
      if (path.endsWith('.sha256sum')) {
        const bin = path.slice(0, -'.sha256sum'.length);
        return void res.end(`${this.sha256(bin)}  ${bin.split('/').pop()}\n`);
      }
      if (path.endsWith('.sha256')) return void res.end(this.sha256(path.slice(0, -'.sha256'.length)));
      if (/\/kind-[a-z]+-[a-z0-9]+$/.test(path) || path.endsWith('/kubectl')) {
        return void res.end(this.bodies.get(path) ?? this.binary(path));
      }
      res.writeHead(404).end('not found');
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}
