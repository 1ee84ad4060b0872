/**
 * Host ports for this leg, free and reserved across every process on this host, so two legs
 * that share a runner never race to one port. The OS picks a free port; a reservation file,
 * created exclusively in a host-wide folder, claims it until `down` releases it. A reservation
 * whose owner process is gone is taken over: by then the port is either bound (by docker, so
 * the OS will not offer it) or unused.
 */
import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PORTS_DIR = join(tmpdir(), 'ds-e2e-setup-ports');

export async function reservePorts(count: number, owner: string, dir = PORTS_DIR): Promise<number[]> {
  mkdirSync(dir, { recursive: true });
  const ports: number[] = [];
  for (let tries = 0; ports.length < count; tries++) {
    if (tries > count * 50) throw new Error(`could not reserve ${count} free host ports in ${dir}`);
    const port = await osFreePort();
    if (!ports.includes(port) && claimPort(dir, port, owner)) ports.push(port);
  }
  return ports;
}

export function releasePorts(owner: string, dir = PORTS_DIR): number[] {
  const released: number[] = [];
  let names: string[] = [];
  try {
    names = readdirNames(dir);
  } catch {
    return released;
  }
  for (const name of names) {
    if (readOwner(join(dir, name))?.owner === owner) {
      rmSync(join(dir, name), { force: true });
      released.push(Number(name));
    }
  }
  return released;
}

/** Claims one port for `owner`; false when a live process of another leg holds it. */
export function claimPort(dir: string, port: number, owner: string): boolean {
  const file = join(dir, String(port));
  // Written whole to a file of our own, then linked into place: link() fails if the name exists,
  // so the claim is exclusive, and no one ever reads a half-written reservation.
  const draft = join(dir, `.${port}.${process.pid}.${randomUUID()}`);
  writeFileSync(draft, JSON.stringify({ owner, pid: process.pid }));
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(draft, file);
        return true;
      } catch {
        const held = readOwner(file);
        if (!held || held.owner === owner || alive(held.pid)) return false; // taken (ours too: the leg wants distinct ports)
        rmSync(file, { force: true }); // a reservation of a process that is gone
      }
    }
    return false;
  } finally {
    rmSync(draft, { force: true });
  }
}

function readOwner(file: string): { owner: string; pid: number } | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { owner: string; pid: number };
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readdirNames(dir: string): string[] {
  return readdirSync(dir).filter((n) => /^\d+$/.test(n));
}

function osFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
