import { expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { leftovers } from './helpers/docker.js';
import { ROOT } from './helpers/run.js';

/**
 * The bundled action inside a container the way act runs a job: a Debian image with Node 24,
 * the docker socket mounted, ACT=true, the workspace at the same path. The outputs it hands
 * over must be reachable from inside that container, where 127.0.0.1 is the wrong host.
 */
test('under act, the no-cluster example comes up and its outputs are reachable from the job container', () => {
  const name = `act-job-${process.pid}`;
  const out = execFileSync(
    'docker',
    [
      'run', '--rm', '--name', name,
      '--env', 'ACT=true', '--env', `GITHUB_WORKSPACE=${ROOT}`, '--env', 'GITHUB_RUN_ID=7', '--env', 'GITHUB_RUN_ATTEMPT=1',
      '--env', 'INPUT_CONFIG=examples/datastorage/integration.yaml', '--env', 'INPUT_CACHE=false', '--env', 'INPUT_MATRIX={"act":true}',
      '--volume', '/var/run/docker.sock:/var/run/docker.sock',
      '--volume', `${ROOT}:${ROOT}:ro`, '--workdir', ROOT,
      'ds-e2e-test/act-runner:node24', 'node', '__tests__/helpers/act-job.mjs',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  const seen = JSON.parse(out.trim().split('\n').pop()!) as {
    mainCode: number;
    mainTail: string;
    outputs: Record<string, string>;
    tables?: string[];
    ping?: string;
    error?: string;
    postCode: number;
    state: { labels: Record<string, string>; clusterName: string };
  };
  expect(seen.mainTail).not.toContain('::error::');
  expect(seen.mainCode).toBe(0);
  // container names on the leg's network, not the host's loopback
  expect(new URL(seen.outputs['postgres-url']).hostname).toBe(`${seen.state.clusterName}-postgres`);
  expect(new URL(seen.outputs['redis-url']).hostname).toBe(`${seen.state.clusterName}-redis`);
  expect(seen.error).toBeUndefined();
  expect(seen.tables).toContain('action_history');
  expect(seen.ping).toBe('PONG');
  expect(seen.postCode).toBe(0);
  expect(leftovers(seen.state.labels)).toEqual({ containers: [], networks: [], volumes: [] });
});
