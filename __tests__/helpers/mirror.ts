/**
 * A loopback HTTP server that plays the download mirror for kind, kubectl and helm: real ELF
 * bodies (helm's inside a real .tar.gz as `<os>-<arch>/helm`, as get.helm.sh ships it), their
 * checksum files beside them, `stable-1.X.txt`, and scripted faults per path.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  private readonly archives = new Map<string, Buffer>();

  /** helm-<version>-<os>-<arch>.tar.gz holding <os>-<arch>/helm, made once per path with tar. */
  archive(path: string): Buffer {
    const made = this.archives.get(path);
    if (made) return made;
    const platform = /-([a-z]+-[a-z0-9]+)\.tar\.gz$/.exec(path)?.[1] ?? 'linux-amd64';
    const dir = mkdtempSync(join(tmpdir(), 'mirror-helm-'));
    mkdirSync(join(dir, platform));
    writeFileSync(join(dir, platform, 'helm'), this.binary(path), { mode: 0o755 });
    const tgz = execFileSync('tar', ['-czf', '-', '-C', dir, platform]);
    rmSync(dir, { recursive: true, force: true });
    this.archives.set(path, tgz);
    return tgz;
  }

  private body(path: string): Buffer | string {
    return this.bodies.get(path) ?? (path.endsWith('.tar.gz') ? this.archive(path) : this.binary(path));
  }

  sha256(path: string): string {
    return createHash('sha256').update(this.body(path)).digest('hex');
  }

  get base(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  get kindUrl(): string {
    return `${this.base}/kind/{version}/kind-{os}-{arch}`;
  }
  get helmUrl(): string {
    return `${this.base}/helm/helm-{version}-{os}-{arch}.tar.gz`;
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
      if (/\/kind-[a-z]+-[a-z0-9]+$/.test(path) || path.endsWith('/kubectl') || /\/helm-v[^/]+\.tar\.gz$/.test(path)) {
        return void res.end(this.body(path));
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
