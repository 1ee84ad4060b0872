/**
 * A StepContext for unit tests of the step actions: the real config loader, identity, Docker,
 * Kind and Kubectl wrappers, all over one FakeRunner, and a task whose needs are given results.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_CACHE } from '../../src/cache/cache.js';
import { computeIdentity } from '../../src/config/identity.js';
import { loadConfig } from '../../src/config/load.js';
import { Docker } from '../../src/docker/docker.js';
import { TaskLog } from '../../src/engine/task-log.js';
import { Secrets } from '../../src/exec/secrets.js';
import { Kind } from '../../src/kube/kind.js';
import type { PortMapping } from '../../src/kube/kind-config.js';
import { Kubectl } from '../../src/kube/kubectl.js';
import type { StepKind } from '../../src/plan/plan.js';
import type { StepContext } from '../../src/setup/step-context.js';
import { stepTask } from '../../src/setup/steps/index.js';
import type { StepTask } from '../../src/setup/steps/step.js';
import { currentPlatform } from '../../src/tools/platform.js';
import { FakeRunner } from './fake-runner.js';
import type { Workspace } from './workspace.js';

export interface Harness {
  ctx: StepContext;
  runner: FakeRunner;
  paths: string[];
  warnings: string[];
}

export function harness(ws: Workspace, file = 'e2e.yaml', ports: Record<string, PortMapping> = {}): Harness {
  const runner = new FakeRunner();
  const config = loadConfig(file, { workspace: ws.dir });
  const identity = computeIdentity({ name: config.name, configFile: config.file, runId: '7', host: 'unit', tempRoot: mkdtempSync(join(tmpdir(), 'steps-')) });
  const paths: string[] = [];
  const warnings: string[] = [];
  const ctx: StepContext = {
    config,
    identity,
    options: { cache: false, cleanup: 'always' },
    services: { runner, secrets: new Secrets(), logger: { info: () => {}, warn: (m) => warnings.push(m) }, addPath: (d) => paths.push(d) },
    docker: new Docker(runner),
    cache: NO_CACHE,
    platform: currentPlatform(),
    postgresPassword: 'pw-unit-test-secret',
    readyTimeoutMs: 2000,
    buildStrategy: async () => ({ kind: 'inline', builder: 'classic', why: 'unit test' }),
    later: (_label, work) => void work(new TaskLog()),
    cluster: config.cluster && {
      kind: new Kind(runner, identity.clusterName),
      kubectl: new Kubectl(runner, identity.kubeconfig),
      ports: new Map(Object.entries(ports)),
      network: 'kind',
    },
    reach: { kind: 'host' },
  };
  return { ctx, runner, paths, warnings };
}

/** A task that needs exactly the given tasks, each made by the plan as `kind` and holding `result`. */
export function taskWith(needs: Record<string, [StepKind, unknown]> = {}): StepTask & { log: TaskLog } {
  const log = new TaskLog();
  const kinds = new Map(Object.entries(needs).map(([id, [kind]]) => [id, kind]));
  const task = stepTask(
    {
      signal: new AbortController().signal,
      log,
      resultOf: (id) => {
        if (!(id in needs)) throw new Error(`no edge to "${id}"`);
        return needs[id][1];
      },
    },
    kinds,
  );
  return { ...task, log };
}
