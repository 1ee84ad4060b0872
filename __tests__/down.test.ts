/** `down` (the post step and the CLI's down) in-process, with a recording runner. */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError } from '../src/exec/runner.js';
import { Secrets } from '../src/exec/secrets.js';
import type { LegState } from '../src/setup/context.js';
import { down } from '../src/setup/down.js';
import { DEFAULT_KIND_VERSION } from '../src/tools/releases.js';
import { FakeRunner } from './helpers/fake-runner.js';
import { toolCacheHolding } from './helpers/step-harness.js';

const labels = { 'io.github.ds-e2e-setup.leg': 'leg-1', 'io.github.ds-e2e-setup.env': 'api' };
const filters = '--filter label=io.github.ds-e2e-setup.leg=leg-1 --filter label=io.github.ds-e2e-setup.env=api';

function state(over: Partial<LegState> = {}): LegState {
  const workDir = mkdtempSync(join(tmpdir(), 'down-'));
  return {
    env: 'api',
    clusterName: 'leg-1',
    hasCluster: true,
    provider: 'docker',
    labels,
    workDir,
    diagnosticsDir: join(workDir, 'diagnostics'),
    kubeconfig: join(workDir, 'kubeconfig'),
    namespace: 'api-e2e',
    cleanup: 'always',
    ...over,
  };
}

function services(runner: FakeRunner) {
  const said: string[] = [];
  const paths: string[] = [];
  return { said, paths, services: { runner, secrets: new Secrets(), logger: { info: (m: string) => said.push(m), warn: (m: string) => said.push(`warning: ${m}`) }, addPath: (d: string) => paths.push(d) } };
}

let kindDir: string;
beforeAll(async () => {
  // kind as a warm runner has it: in the tool-cache, so down finds it with no network
  kindDir = await toolCacheHolding('kind', DEFAULT_KIND_VERSION);
});

describe('down', () => {
  test('deletes the cluster (through the leg\'s own kubeconfig), then exactly the containers, networks and volumes with the leg\'s labels', async () => {
    const runner = new FakeRunner()
      .on(['docker', 'ps'], { stdout: 'leg-1-postgres\nleg-1-redis\n' })
      .on(['docker', 'network', 'ls'], { stdout: 'leg-1-net\n' })
      .on(['docker', 'network', 'inspect'], { stdout: 'abc123 ' })
      .on(['docker', 'volume', 'ls'], { stdout: 'leg-1-data\n' });
    const s = services(runner);
    const st = state();
    const r = await down(st, s.services, { failed: false, diagnostics: false });
    expect(r).toEqual({ diagnostics: [], kept: false, removed: { cluster: 'leg-1', containers: ['leg-1-postgres', 'leg-1-redis'], networks: ['leg-1-net'], volumes: ['leg-1-data'] } });
    expect(s.paths).toEqual([kindDir]);
    expect(runner.lines()).toEqual([
      `kind delete cluster --name leg-1 --kubeconfig ${st.kubeconfig}`,
      `docker ps --all --format {{.Names}} ${filters}`,
      'docker rm --force --volumes leg-1-postgres leg-1-redis',
      `docker network ls --format {{.Name}} ${filters}`,
      'docker network inspect --format {{range $id, $c := .Containers}}{{$id}} {{end}} leg-1-net',
      'docker network disconnect --force leg-1-net abc123',
      'docker network rm leg-1-net',
      `docker volume ls --format {{.Name}} ${filters}`,
      'docker volume rm --force leg-1-data',
    ]);
    expect(s.said.at(-1)).toBe('removed cluster leg-1, 2 container(s), 1 network(s), 1 volume(s) of leg-1');
  });

  test('cleanup on-success after a failure keeps everything and runs nothing', async () => {
    const runner = new FakeRunner();
    const r = await down(state({ cleanup: 'on-success' }), services(runner).services, { failed: true, diagnostics: false });
    expect(r.kept).toBe(true);
    expect(runner.lines()).toEqual([]);
  });

  test('a kind that cannot run is a warning; the containers are still removed', async () => {
    const runner = new FakeRunner()
      .on(['kind'], () => {
        throw new CommandError('"kind" was not found on PATH', null, '', '');
      })
      .on(['docker', 'ps'], { stdout: 'leg-1-postgres\n' });
    const s = services(runner);
    const r = await down(state(), s.services, { failed: false, diagnostics: false });
    expect(r.removed.cluster).toBeUndefined();
    expect(r.removed.containers).toEqual(['leg-1-postgres']);
    expect(runner.lines()).toContain('docker rm --force --volumes leg-1-postgres');
    expect(s.said).toContain('warning: could not delete cluster leg-1: "kind" was not found on PATH');
  });
});
