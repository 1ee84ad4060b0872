import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentPlatform } from '../src/tools/platform.js';
import { Mirror } from './helpers/mirror.js';
import { ROOT, RunnerFiles, runAction } from './helpers/run.js';
import { makeWorkspace } from './helpers/workspace.js';

const platform = currentPlatform();
let mirror: Mirror;
let temp: string;

beforeAll(async () => {
  mirror = await new Mirror().start();
});
afterAll(() => mirror.stop());
beforeEach(() => {
  temp = mkdtempSync(join(tmpdir(), 'tools-'));
  mirror.requests.length = 0;
});

const kindPath = (v: string) => `/kind/${v}/kind-${platform.os}-${platform.arch}`;
const kubectlPath = (v: string) => `/k8s/release/${v}/bin/${platform.os}/${platform.arch}/kubectl`;

describe('the action', () => {
  test('with kind-url and kubectl-url set, every download goes to the mirror and lands on PATH', async () => {
    const runner = new RunnerFiles();
    const ws = makeWorkspace({ 'e2e.yaml': 'name: tools\ncluster: {}\n' });
    const r = await runAction(
      'main',
      runner.processEnv(
        // a node image on the host, so nothing but the two tools is fetched
        { config: 'e2e.yaml', 'kind-url': mirror.kindUrl, 'kubectl-url': mirror.kubectlUrl, 'kind-version': 'v0.99.9', 'kubectl-version': '1.34', cache: 'false', 'node-image': 'ds-e2e-test/kind-node:standin-2' },
        { GITHUB_WORKSPACE: ws.dir, RUNNER_TOOL_CACHE: join(temp, 'tc') },
      ),
    );
    ws.remove();
    // the mirror's "kind" is /bin/true, so the cluster itself cannot come up: the installs did
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain('::error::task "cluster" failed');
    expect(r.stdout).toContain('✔ install:kind');
    expect(r.stdout).toContain('✔ install:kubectl');
    expect([...new Set(mirror.requests)].sort()).toEqual(
      [kindPath('v0.99.9'), `${kindPath('v0.99.9')}.sha256sum`, '/k8s/release/stable-1.34.txt', kubectlPath('v1.34.7'), `${kubectlPath('v1.34.7')}.sha256`].sort(),
    );
    const path = readFileSync(runner.path, 'utf8').trim().split('\n');
    expect(path).toEqual(expect.arrayContaining([join(temp, 'tc', 'kind', '0.99.9', platform.arch), join(temp, 'tc', 'kubectl', '1.34.7', platform.arch)]));
    await runAction('post', runner.postEnv({}));
  });

  test('too little disk for the run stops it in preflight, naming both numbers, before any download or build', async () => {
    const runner = new RunnerFiles();
    const ws = makeWorkspace({ 'e2e.yaml': 'name: disk\ncluster: {}\nimages:\n  api: { context: api }\n', 'api/Dockerfile': 'FROM scratch\n' });
    // a sparse file of 1 TiB: the context's size as docker would send it, more than this disk holds
    writeFileSync(join(ws.dir, 'api', 'big.bin'), '');
    truncateSync(join(ws.dir, 'api', 'big.bin'), 2 ** 40);
    const r = await runAction(
      'main',
      runner.processEnv(
        { config: 'e2e.yaml', 'kind-url': mirror.kindUrl, 'kubectl-url': mirror.kubectlUrl, cache: 'false', 'node-image': 'ds-e2e-test/kind-node:standin-2' },
        { GITHUB_WORKSPACE: ws.dir, RUNNER_TOOL_CACHE: join(temp, 'tc') },
      ),
    );
    ws.remove();
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/::error::task "preflight" failed.*not enough disk under \/\S+: [\d.]+ \w+ \(\d+ bytes\) free, this run needs about 1\.0 TiB \(\d+ bytes\)/);
    expect(mirror.requests).toEqual([]);
    const timings = JSON.parse(runner.outputs().timings) as { task: string; start: string | null }[];
    expect(timings.filter((t) => t.start !== null).map((t) => t.task)).toEqual(['preflight']);
    await runAction('post', runner.postEnv({}));
  });

  test('an environment without a cluster downloads nothing', async () => {
    const runner = new RunnerFiles();
    const r = await runAction(
      'main',
      runner.processEnv(
        { config: 'examples/datastorage/integration.yaml', 'kind-url': mirror.kindUrl, 'kubectl-url': mirror.kubectlUrl, cache: 'false' },
        { GITHUB_WORKSPACE: ROOT, RUNNER_TOOL_CACHE: join(temp, 'tc') },
      ),
    );
    await runAction('post', runner.postEnv({}));
    expect(r.stdout).toContain('✔ migrate');
    expect(r.code).toBe(0);
    expect(mirror.requests).toEqual([]);
    expect(readFileSync(runner.path, 'utf8')).toBe('');
  });
});
