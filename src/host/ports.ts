/**
 * Host ports for this leg, free and reserved across every process on this host, so two legs
 * that share a runner never race to one port. The OS picks a free port; a reservation file in a
 * host-wide folder claims it until `down` releases it. Every claim is made under one host-wide
 * lock, so reading a reservation, judging it stale and replacing it is a single step that no
 * other process can interleave with.
 *
 * A reservation is stale only when its owner process is gone *and* it is older than
 * STALE_AFTER_MS. The owner (main, or `up`) exits long before `down`, on purpose: between the
 * two, docker holds the port bound, so the OS never offers it. The grace period covers the
 * moments where a leg has finished reserving but docker has not bound yet, or where one leg's
 * process has ended while another is still choosing ports.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { poll } from '../core/poll.js';
import { withPathLock } from './lock.js';

export const PORTS_DIR = join(tmpdir(), 'ds-e2e-setup-ports');
export const STALE_AFTER_MS = 10 * 60_000;

export async function reservePorts(count: number, owner: string, dir = PORTS_DIR): Promise<number[]> {
  mkdirSync(dir, { recursive: true });
  return withHostLock(dir, async () => {
    const ports: number[] = [];
    // The OS may offer a port another leg has reserved (its docker has not bound it yet): ask again.
    const claimOne = async (): Promise<void> => {
      const port = await osFreePort();
      // the OS looked at 127.0.0.1 only; an IPv6 cluster's mappings listen on ::1
      if (!(await freeOnIpv6Loopback(port))) throw new Error(`port ${port} is taken on ::1`);
      if (ports.includes(port) || !claimUnderLock(dir, port, owner)) throw new Error(`port ${port} is reserved by another leg`);
      ports.push(port);
    };
    for (let i = 0; i < count; i++) {
      await poll(`reserve a free host port in ${dir}`, claimOne, { intervalMs: 0, attempts: 50 });
    }
    return ports;
  });
}

/** Claims one given port for `owner`; false when another leg holds a reservation that is not stale. */
export async function claimPort(dir: string, port: number, owner: string): Promise<boolean> {
  mkdirSync(dir, { recursive: true });
  return withHostLock(dir, async () => claimUnderLock(dir, port, owner));
}

export function releasePorts(owner: string, dir = PORTS_DIR): number[] {
  const released: number[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => /^\d+$/.test(n));
  } catch {
    return released;
  }
  // No lock needed: a reservation is only ever removed by its owner here, or replaced under the lock.
  for (const name of names) {
    if (readOwner(join(dir, name))?.owner === owner) {
      rmSync(join(dir, name), { force: true });
      released.push(Number(name));
    }
  }
  return released;
}

function withHostLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  return withPathLock(join(dir, 'reservations'), work);
}

function claimUnderLock(dir: string, port: number, owner: string): boolean {
  const file = join(dir, String(port));
  const held = readOwner(file);
  if (held && (held.owner === owner || !stale(file, held.pid))) return false; // ours too: a leg wants distinct ports
  // The lock makes this whole; a reader outside it (releasePorts) sees either the old file or the new one.
  writeFileSync(`${file}.new`, JSON.stringify({ owner, pid: process.pid }));
  renameSync(`${file}.new`, file);
  return true;
}

function stale(file: string, pid: number): boolean {
  if (alive(pid)) return false;
  try {
    return Date.now() - statSync(file).mtimeMs > STALE_AFTER_MS;
  } catch {
    return true; // removed meanwhile by its owner's release
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

/** Whether `port` can be bound on ::1: false when something holds it there; true where there is no IPv6 loopback at all. */
export function freeOnIpv6Loopback(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code !== 'EADDRINUSE' && err.code !== 'EACCES'));
    s.listen(port, '::1', () => s.close(() => resolve(true)));
  });
}
