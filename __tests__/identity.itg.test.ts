import { describe, expect, test } from '@jest/globals';
import pg from 'pg';
import { createClient } from 'redis';
import { leftovers } from './helpers/docker.js';
import { ROOT, RunnerFiles, runAction } from './helpers/run.js';

describe('two matrix legs of one environment on one host, at the same moment', () => {
  test('both succeed with their own names, ports and paths; cleaning one leaves the other reachable', async () => {
    const legs = ['{"shard":1}', '{"shard":2}'].map((matrix) => ({ matrix, runner: new RunnerFiles() }));
    const env = { GITHUB_WORKSPACE: ROOT, GITHUB_RUN_ID: '99', GITHUB_RUN_ATTEMPT: '1' };
    const mains = await Promise.all(
      legs.map((l) => runAction('main', l.runner.processEnv({ config: 'examples/datastorage/integration.yaml', cache: 'false', matrix: l.matrix }, env))),
    );
    expect(mains.map((m) => m.code)).toEqual([0, 0]);
    const [a, b] = legs.map((l) => ({ outputs: l.runner.outputs(), state: JSON.parse(l.runner.saved().leg) as { clusterName: string; kubeconfig: string; workDir: string; labels: Record<string, string> } }));
    expect(a.state.clusterName).not.toBe(b.state.clusterName);
    expect(a.state.kubeconfig).not.toBe(b.state.kubeconfig);
    expect(a.state.workDir).not.toBe(b.state.workDir);
    expect(a.outputs['diagnostics-dir']).not.toBe(b.outputs['diagnostics-dir']);
    expect(new URL(a.outputs['postgres-url']).port).not.toBe(new URL(b.outputs['postgres-url']).port);
    expect(new URL(a.outputs['redis-url']).port).not.toBe(new URL(b.outputs['redis-url']).port);
    expect(leftovers(a.state.labels).containers.sort()).toEqual(['postgres', 'postgres-net', 'redis', 'redis-net'].map((c) => `${a.state.clusterName}-${c}`));

    const postA = await runAction('post', legs[0].runner.postEnv({}));
    expect(postA.code).toBe(0);
    expect(leftovers(a.state.labels)).toEqual({ containers: [], networks: [], volumes: [] });
    // leg b is untouched and still answers
    const client = new pg.Client({ connectionString: b.outputs['postgres-url'] });
    await client.connect();
    expect((await client.query('SELECT count(*)::int AS n FROM action_history')).rows[0].n).toBe(0);
    await client.end();
    const redis = createClient({ url: b.outputs['redis-url'] });
    await redis.connect();
    expect(await redis.ping()).toBe('PONG');
    await redis.quit();
    expect(leftovers(b.state.labels).containers).toHaveLength(4);
    await runAction('post', legs[1].runner.postEnv({}));
    expect(leftovers(b.state.labels)).toEqual({ containers: [], networks: [], volumes: [] });
  });
});
