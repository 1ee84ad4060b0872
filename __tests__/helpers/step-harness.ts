/**
 * A StepContext for unit tests of the step actions: the real config loader, identity, Docker,
 * Kind and Kubectl wrappers, all over one FakeRunner, and a task whose needs are given results.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as tc from '@actions/tool-cache';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_CACHE } from '../../src/cache/cache.js';
import { computeIdentity } from '../../src/config/identity.js';
import { loadConfig } from '../../src/config/load.js';
import { Docker } from '../../src/docker/docker.js';
import { TaskLog } from '../../src/engine/task-log.js';
import type { CommandRunner } from '../../src/exec/runner.js';
import { Secrets } from '../../src/exec/secrets.js';
import { Kind } from '../../src/kube/kind.js';
import { kindNetworking, type PortMapping } from '../../src/kube/kind-config.js';
import { Kubectl } from '../../src/kube/kubectl.js';
import type { StepKind } from '../../src/plan/plan.js';
import { readMigrations, resolveNodeImage } from '../../src/setup/prepare.js';
import type { StepContext } from '../../src/setup/step-context.js';
import { stepTask } from '../../src/setup/steps/index.js';
import type { StepTask } from '../../src/setup/steps/step.js';
import { currentPlatform } from '../../src/tools/platform.js';
import { FakeRunner } from './fake-runner.js';
import type { Workspace } from './workspace.js';

export interface Harness<R extends CommandRunner = FakeRunner> {
  ctx: StepContext;
  runner: R;
  paths: string[];
  warnings: string[];
}

export function harness(ws: Workspace, file?: string, ports?: Record<string, PortMapping>): Harness;
export function harness<R extends CommandRunner>(ws: Workspace, file: string, ports: Record<string, PortMapping>, runner: R): Harness<R>;
export function harness(ws: Workspace, file = 'e2e.yaml', ports: Record<string, PortMapping> = {}, runner: CommandRunner = new FakeRunner()): Harness<CommandRunner> {
  const config = loadConfig(file, { workspace: ws.dir });
  // as prepare() does before anything runs: the node image from the kind release's table
  if (config.cluster) config.cluster = resolveNodeImage(config.cluster, config, { config: file, cache: false, cleanup: 'always' });
  const identity = computeIdentity({ name: config.name, configFile: config.file, runId: '7', host: 'unit', tempRoot: mkdtempSync(join(tmpdir(), 'steps-')) });
  const paths: string[] = [];
  const warnings: string[] = [];
  const ctx: StepContext = {
    config,
    identity,
    options: { cache: false, cleanup: 'always' },
    services: { runner, secrets: new Secrets(), logger: { info: () => {}, warn: (m) => warnings.push(m) }, addPath: (d) => paths.push(d) },
    docker: new Docker(runner, config.cluster?.provider ?? 'docker'),
    cache: NO_CACHE,
    platform: currentPlatform(),
    postgresPassword: 'pw-unit-test-secret',
    // as prepare() reads it, once, before anything runs
    migrations: readMigrations(config),
    readyTimeoutMs: 2000,
    buildStrategy: async () => ({ kind: 'inline', builder: 'classic', why: 'unit test' }),
    later: (_label, work) => void work(new TaskLog()),
    cluster: config.cluster && {
      kind: new Kind(runner, identity.clusterName, config.cluster.provider, identity.kubeconfig),
      kubectl: new Kubectl(runner, identity.kubeconfig),
      ports: new Map(Object.entries(ports)),
      network: 'kind',
      networking: kindNetworking(config.cluster.kindConfig),
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

/**
 * A fresh tool-cache (RUNNER_TOOL_CACHE) holding `tool` at `version`, as a warm runner has it, so
 * an install finds it with no network. Returns the cached folder.
 */
export async function toolCacheHolding(tool: 'kind' | 'kubectl', version: string): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'tc-'));
  process.env.RUNNER_TOOL_CACHE = root;
  const bin = join(root, `${tool}-bin`);
  writeFileSync(bin, '#!/bin/sh\n');
  chmodSync(bin, 0o755);
  return tc.cacheFile(bin, tool, tool, version.replace(/^v/, ''), currentPlatform().arch);
}
