import { describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, computeIdentity, fitName } from '../src/config/identity.js';
import { claimPort, freeOnIpv6Loopback, releasePorts, reservePorts, STALE_AFTER_MS } from '../src/host/ports.js';
import { ROOT } from './helpers/run.js';

const base = { name: 'datastorage', configFile: '/repo/.github/e2e/datastorage.yaml', runId: '42', runAttempt: '1', host: 'runner-1' };

describe('identity', () => {
  test('the same inputs give the same names; any difference gives other names', () => {
    const a = computeIdentity({ ...base, matrix: '{"kubernetes":"v1.33.1"}' });
    expect(computeIdentity({ ...base, matrix: '{"kubernetes":"v1.33.1"}' })).toMatchObject({ clusterName: a.clusterName, kubeconfig: a.kubeconfig });
    const others = [
      { ...base, matrix: '{"kubernetes":"v1.34.0"}' },
      { ...base, matrix: '{"kubernetes":"v1.33.1"}', runAttempt: '2' },
      { ...base, matrix: '{"kubernetes":"v1.33.1"}', runId: '43' },
      { ...base, matrix: '{"kubernetes":"v1.33.1"}', host: 'runner-2' },
      { ...base, matrix: '{"kubernetes":"v1.33.1"}', configFile: '/repo/other.yaml' },
    ].map((i) => computeIdentity(i));
    const names = new Set([a, ...others].map((i) => i.clusterName));
    expect(names.size).toBe(6);
    const paths = new Set([a, ...others].map((i) => i.kubeconfig));
    expect(paths.size).toBe(6);
  });

  test('a matrix with nested values identifies the leg whatever its key order', () => {
    const x = computeIdentity({ ...base, matrix: '{"svc":{"name":"ds","tags":["a","b"]},"k8s":"v1.33.1"}' });
    const y = computeIdentity({ ...base, matrix: '{"k8s":"v1.33.1","svc":{"tags":["a","b"],"name":"ds"}}' });
    const z = computeIdentity({ ...base, matrix: '{"k8s":"v1.33.1","svc":{"tags":["b","a"],"name":"ds"}}' });
    expect(x.clusterName).toBe(y.clusterName);
    expect(z.clusterName).not.toBe(x.clusterName);
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });

  test('names stay valid for kind and docker: lowercase, [a-z0-9-], short, a hash suffix when cut', () => {
    const long = computeIdentity({ ...base, name: 'a'.repeat(30), matrix: '{"x":1}' });
    expect(long.clusterName.length).toBeLessThanOrEqual(40);
    expect(long.clusterName).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
    expect(`${long.clusterName}-control-plane`.length).toBeLessThanOrEqual(63);
    const cut = fitName('Service_With Odd*Chars and a very, very long name indeed!!', 40);
    expect(cut).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
    expect(cut.length).toBeLessThanOrEqual(40);
    expect(cut).toMatch(/-[0-9a-f]{6}$/);
    expect(fitName('Service_With Odd*Chars and a very, very long name indeed!?', 40)).not.toBe(cut);
    expect(fitName('short-Name_1', 40)).toBe('short-name-1');
  });

  test('labels, containers, the kubeconfig and the work folder all derive from the one name', () => {
    const i = computeIdentity({ ...base, matrix: '{}', tempRoot: '/runner/_temp' });
    expect(i.labels).toEqual({ 'io.github.ds-e2e-setup.leg': i.clusterName, 'io.github.ds-e2e-setup.env': 'datastorage' });
    expect(i.container('postgres')).toBe(`${i.clusterName}-postgres`);
    expect(i.workDir).toBe(`/runner/_temp/ds-e2e-setup/${i.clusterName}`);
    expect(i.kubeconfig).toBe(`${i.workDir}/kubeconfig`);
    expect(i.diagnosticsDir).toBe(`${i.workDir}/diagnostics`);
  });
});

describe('host ports', () => {
  test('a port something holds on ::1 is not free, though 127.0.0.1 may say it is (an IPv6 cluster maps on ::1)', async () => {
    const held = createNetServer();
    await new Promise<void>((r) => held.listen(0, '::1', r));
    const port = (held.address() as AddressInfo).port;
    try {
      expect(await freeOnIpv6Loopback(port)).toBe(false);
    } finally {
      await new Promise((r) => held.close(r));
    }
    expect(await freeOnIpv6Loopback(port)).toBe(true);
  });

  // Each process exits as soon as it has its ports, while the others are still choosing: a
  // reservation must outlive its owner's process, as it does between main and post.
  test('processes reserving at the same moment never get the same port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ports-'));
    // each process loads, says it is ready, and waits for one "go" sent to all at once
    const script = [
      `import { reservePorts } from ${JSON.stringify(join(ROOT, 'src/host/ports.ts'))};`,
      `import { once } from 'node:events';`,
      `console.log('ready');`,
      `await once(process.stdin, 'data');`,
      `console.log(JSON.stringify(await reservePorts(Number(process.argv[3]), process.argv[2], ${JSON.stringify(dir)})));`,
      `process.exit(0);`,
    ].join('\n');
    const file = join(dir, 'reserve.mts');
    writeFileSync(file, script);
    const start = (owner: string, count: number) => {
      const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), [file, owner, String(count)]);
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      const ready = new Promise<void>((resolve) => child.stdout.on('data', () => out.startsWith('ready\n') && resolve()));
      const ports = new Promise<number[]>((resolve, reject) =>
        child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.slice('ready\n'.length)) as number[]) : reject(new Error(`exit ${code}`)))),
      );
      return { child, ready, ports };
    };
    const legs: [string, number][] = [['leg-a', 2], ['leg-b', 60], ['leg-c', 60], ['leg-d', 2], ['leg-e', 60]];
    const children = legs.map(([owner, count]) => start(owner, count));
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.child.stdin.write('go\n');
    const results = await Promise.all(children.map((c) => c.ports));
    const all = results.flat();
    expect(all).toHaveLength(184);
    expect(new Set(all).size).toBe(184);
  });

  test('a reservation whose owner is gone is taken over; release frees only the owner\'s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ports-'));
    const mine = await reservePorts(3, 'leg-a', dir);
    const theirs = await reservePorts(2, 'leg-b', dir);
    const reservations = () => readdirSync(dir).filter((n) => /^\d+$/.test(n)).sort();
    expect(reservations()).toEqual([...mine, ...theirs].map(String).sort());
    expect(releasePorts('leg-a', dir).sort()).toEqual([...mine].sort());
    expect(reservations()).toEqual(theirs.map(String).sort());
    // held by a live process of another leg: refused
    expect(await claimPort(dir, theirs[0], 'leg-c')).toBe(false);
    // left by a process that is gone, but recently: still held (docker may not have bound it yet)
    const gone = join(dir, String(theirs[1]));
    writeFileSync(gone, JSON.stringify({ owner: 'leg-gone', pid: 2 ** 22 + 1 }));
    expect(await claimPort(dir, theirs[1], 'leg-c')).toBe(false);
    // left by a process that is gone, long ago: taken over
    const old = (Date.now() - STALE_AFTER_MS - 60_000) / 1000;
    utimesSync(gone, old, old);
    expect(await claimPort(dir, theirs[1], 'leg-c')).toBe(true);
    expect(releasePorts('leg-c', dir)).toEqual([theirs[1]]);
    expect(reservations()).toEqual([String(theirs[0])]);
  });
});
