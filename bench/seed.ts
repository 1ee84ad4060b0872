/**
 * The seed's DataStorage scenario (examples/datastorage/e2e.yaml) on a real kind cluster, three
 * ways in one run, for each placement of PostgreSQL and Redis:
 * - every task one after another (the one-script setup);
 * - the seed's phased plan: cluster and namespace; then build and load, PostgreSQL and Redis at
 *   once; then the migrations; then the deploy; then the wait;
 * - ours: the task graph as planned.
 * The same steps run each time, through the action's own `up` and `down`; only the needs differ
 * (up's `reshape`). The service's layers are built once first, so every way builds from a warm
 * layer cache, as a runner with the action's cache does.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tc from '@actions/tool-cache';
import { parseInputs } from '../src/config/inputs.js';
import { ProcessRunner } from '../src/exec/runner.js';
import { Secrets } from '../src/exec/secrets.js';
import type { PlannedTask } from '../src/plan/plan.js';
import { describeFailure } from '../src/report/timings.js';
import { down } from '../src/setup/down.js';
import { prepare } from '../src/setup/prepare.js';
import { up } from '../src/setup/up.js';
import { currentPlatform } from '../src/tools/platform.js';
import { clusterTools } from '../__tests__/helpers/cluster-tools.js';
import { report } from './util.js';

type Way = 'sequential' | 'phased' | 'ours';

/** The seed's phases, by what a task does (its step kind). */
const PHASE: Record<string, number> = {
  preflight: 1,
  'install-tool': 1,
  'pull-node-image': 1,
  'create-cluster': 1,
  'nodes-ready': 1,
  'create-namespace': 1,
  'build-image': 2,
  'load-image': 2,
  'pull-image': 2,
  'preload-image': 2,
  'start-in-cluster': 2,
  'start-container': 2,
  'link-dependency': 2,
  migrate: 3,
  'save-snapshot': 3,
  deploy: 4,
  ready: 5,
};

/** The plan's tasks, each also needing every task of the phase before its own. */
export function phased(planned: PlannedTask[]): PlannedTask[] {
  const phaseOf = (t: PlannedTask): number => {
    const p = PHASE[t.step.kind];
    if (p === undefined) throw new Error(`seed bench: no phase for step kind ${t.step.kind}`);
    return p;
  };
  return planned.map((t) => {
    const before = planned.filter((o) => phaseOf(o) === phaseOf(t) - 1).map((o) => o.id);
    return { ...t, needs: [...new Set([...t.needs, ...before])] };
  });
}

/** The plan's tasks in its own order (already topological), each also needing the one before. */
export function sequential(planned: PlannedTask[]): PlannedTask[] {
  return planned.map((t, i) => (i === 0 ? t : { ...t, needs: [...new Set([...t.needs, planned[i - 1].id])] }));
}

const RESHAPE: Record<Way, ((p: PlannedTask[]) => PlannedTask[]) | undefined> = { sequential, phased, ours: undefined };

export async function benchSeed(): Promise<void> {
  const tools = clusterTools();
  // kind and kubectl where the action's install finds them, as on a warm runner
  process.env.RUNNER_TOOL_CACHE = mkdtempSync(join(tmpdir(), 'seed-tc-'));
  process.env.RUNNER_TEMP = mkdtempSync(join(tmpdir(), 'seed-runner-'));
  const { arch } = currentPlatform();
  for (const [tool, file, version] of [['kind', tools.kind, tools.kindVersion], ['kubectl', tools.kubectl, tools.kubernetes]] as const) {
    await tc.cacheFile(file, tool, tool, version.replace(/^v/, ''), arch);
  }
  // the service's layers, once, so each way's build starts from the same warm layer cache
  execFileSync('docker', ['build', '-q', '--build-arg', 'BASE=ds-e2e-test/node:24', '-t', 'ds-e2e-seed-warmup', 'examples/datastorage/app'], { stdio: 'ignore' });
  execFileSync('docker', ['rmi', 'ds-e2e-seed-warmup'], { stdio: 'ignore' });

  for (const placement of (process.env.SEED_PLACEMENTS?.split(',') ?? ['cluster', 'docker']) as ('cluster' | 'docker')[]) {
    const wall: Partial<Record<Way, number>> = {};
    for (const way of ['sequential', 'phased', 'ours'] as const) wall[way] = await runOnce(tools, placement, way);
    const w = wall as Record<Way, number>;
    report(`seed (${placement})`, { sequential_s: w.sequential / 1000, phased_s: w.phased / 1000, ours_s: w.ours / 1000, 'ours/sequential': w.ours / w.sequential, 'ours/phased': w.ours / w.phased });
  }
}

async function runOnce(tools: ReturnType<typeof clusterTools>, placement: 'cluster' | 'docker', way: Way): Promise<number> {
  const values: Record<string, string> = {
    config: 'examples/datastorage/e2e.yaml',
    cache: 'false',
    'node-image': tools.nodeImage,
    'kind-version': tools.kindVersion,
    'kubectl-version': tools.kubernetes,
    matrix: JSON.stringify({ bench: 'seed', placement, way }),
  };
  const inputs = parseInputs((name) => values[name] ?? '');
  const prepared = prepare(inputs);
  for (const dep of ['postgres', 'redis'] as const) {
    const d = prepared.config[dep];
    if (d) d.placement = placement;
  }
  const secrets = new Secrets();
  const quiet = { info: () => undefined, warn: (m: string) => process.stderr.write(`seed bench: ${m}\n`) };
  const services = { runner: new ProcessRunner(secrets), secrets, logger: quiet, addPath: (dir: string) => (process.env.PATH = `${dir}:${process.env.PATH ?? ''}`) };
  try {
    const logs: string[] = [];
    const events = process.env.SEED_DEBUG ? { finished: (task: string, status: string, ms: number, log: string) => void logs.push(`== ${task} ${status} ${ms} ms\n${log}`) } : undefined;
    const { result, outputs } = await up(prepared, inputs, services, { reshape: RESHAPE[way], events }).finally(() => {
      if (logs.length) process.stderr.write(logs.join('\n'));
    });
    if (!result.ok) throw new Error(`seed bench (${placement}, ${way}) failed: ${describeFailure(result)}\ndiagnostics in ${outputs.diagnosticsDir}`);
    // the next way builds too: the image goes, its layers stay
    for (const tag of Object.values(outputs.images)) execFileSync('docker', ['rmi', tag], { stdio: 'ignore' });
    return result.endedAt - result.startedAt;
  } finally {
    await down(prepared.state, services, { failed: false, diagnostics: false });
  }
}
