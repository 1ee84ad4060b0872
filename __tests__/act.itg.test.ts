import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { leftovers } from './helpers/docker.js';
import { ROOT } from './helpers/run.js';

interface Seen {
  mainCode: number;
  mainTail: string;
  warnings: string[];
  outputs: Record<string, string>;
  tables?: string[];
  ping?: string;
  error?: string;
  postCode: number;
  state: { labels: Record<string, string>; clusterName: string };
}

/**
 * The bundled action inside a job container: a Debian image with Node 24, the docker socket
 * mounted, the workspace at the same path, as act and a GitHub `jobs.<id>.container` both run a
 * job. The outputs it hands over must be reachable from inside that container.
 */
function runJob(name: string, dockerArgs: string[], env: Record<string, string>): Seen {
  const out = execFileSync(
    'docker',
    [
      'run', '--rm', '--name', name, ...dockerArgs,
      ...Object.entries({ GITHUB_WORKSPACE: ROOT, GITHUB_RUN_ID: '7', GITHUB_RUN_ATTEMPT: '1', INPUT_CONFIG: 'examples/datastorage/integration.yaml', INPUT_CACHE: 'false', INPUT_MATRIX: JSON.stringify({ job: name }), ...env }).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
      '--volume', '/var/run/docker.sock:/var/run/docker.sock',
      '--volume', `${ROOT}:${ROOT}:ro`, '--workdir', ROOT,
      'ds-e2e-test/act-runner:node24', 'node', '__tests__/helpers/act-job.mjs',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as Seen;
}

function expectReachedAndCleaned(seen: Seen): void {
  expect(seen.mainTail).not.toContain('::error::');
  expect(seen.mainCode).toBe(0);
  expect(seen.error).toBeUndefined();
  expect(seen.tables).toContain('action_history');
  expect(seen.ping).toBe('PONG');
  expect(seen.postCode).toBe(0);
  expect(leftovers(seen.state.labels)).toEqual({ containers: [], networks: [], volumes: [] });
}

describe('the job in a container of its own', () => {
  test('under act, on a bridge: the outputs are container names on the leg\'s network', () => {
    const seen = runJob(`act-job-${process.pid}`, [], { ACT: 'true' });
    expectReachedAndCleaned(seen);
    expect(new URL(seen.outputs['postgres-url']).hostname).toBe(`${seen.state.clusterName}-postgres`);
    expect(new URL(seen.outputs['redis-url']).hostname).toBe(`${seen.state.clusterName}-redis`);
  });

  test('a GitHub container job (no ACT, its own bridge network): container names too, not an unreachable 127.0.0.1', () => {
    const network = `github_network_${process.pid}`;
    execFileSync('docker', ['network', 'create', network], { stdio: 'ignore' });
    try {
      const seen = runJob(`gh-job-${process.pid}`, ['--network', network], { GITHUB_ACTIONS: 'true' });
      expectReachedAndCleaned(seen);
      expect(new URL(seen.outputs['postgres-url']).hostname).toBe(`${seen.state.clusterName}-postgres`);
    } finally {
      execFileSync('docker', ['network', 'rm', network], { stdio: 'ignore' });
    }
  });

  test("act's default, the host's network: 127.0.0.1, and no warning", () => {
    const seen = runJob(`act-host-${process.pid}`, ['--network', 'host'], { ACT: 'true' });
    expectReachedAndCleaned(seen);
    expect(new URL(seen.outputs['postgres-url']).hostname).toBe('127.0.0.1');
    expect(seen.warnings).toEqual([]);
  });
});
