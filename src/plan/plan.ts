/**
 * Turns a Config into the task graph: which tasks exist, what each one needs, and which task
 * hands each step its inputs. It decides nothing about how commands run; `setup/steps/` holds
 * one action per step kind.
 *
 * The shape follows the inputs, not phases: builds and dependency containers start as soon as
 * the host check (`preflight`, tens of milliseconds) has passed,
 * the migrations need only PostgreSQL, loads need their image and the cluster. This is also the
 * one place that decides a dependency's placement: `start-in-cluster` or `start-container`.
 */
import type { Config } from '../config/normalize.js';
import { ESTIMATE_SECONDS, type EstimateKey } from './estimates.js';

export type Dependency = 'postgres' | 'redis';

/**
 * Each step names the tasks whose results it reads (`from…`): those are always among its needs,
 * and the engine refuses a read that has no edge.
 */
export type Step =
  | { kind: 'preflight' }
  | { kind: 'install-tool'; tool: 'kind' | 'kubectl' | 'helm' }
  | { kind: 'pull-node-image'; fromPreflight: string }
  | { kind: 'create-cluster'; fromNodeImage: string }
  | { kind: 'nodes-ready' }
  | { kind: 'create-namespace' }
  | { kind: 'build-image'; image: string; fromPreflight: string }
  | { kind: 'load-image'; image: string; fromBuild: string }
  | { kind: 'pull-image'; dep: Dependency; fromPreflight: string }
  | { kind: 'preload-image'; dep: Dependency; fromPull: string }
  | { kind: 'start-in-cluster'; dep: Dependency; fromPreload: string }
  | { kind: 'start-container'; dep: Dependency; fromPull: string }
  | { kind: 'link-dependency'; dep: Dependency; fromContainer: string }
  | { kind: 'migrate'; fromPostgres: string }
  | { kind: 'deploy'; fromLoads: string[]; fromDependencies: string[] }
  | { kind: 'ready' };

export type StepKind = Step['kind'];
export type StepOf<K extends StepKind> = Extract<Step, { kind: K }>;

export interface PlannedTask {
  id: string;
  needs: string[];
  /** `build` for image builds: they share the runner's cores. */
  slot?: string;
  step: Step;
  estimateMs: number;
}

export function planTasks(config: Config): PlannedTask[] {
  const tasks: PlannedTask[] = [];
  const add = (id: string, needs: string[], step: Step, estimate: EstimateKey, slot?: string): string => {
    tasks.push({ id, needs, step, slot, estimateMs: ESTIMATE_SECONDS[estimate] * 1000 });
    return id;
  };

  // Every download and build waits for the host check, so too little disk stops the run before any.
  const preflight = add('preflight', [], { kind: 'preflight' }, 'preflight');
  const first = [preflight];

  let cluster: string | undefined;
  let nodes: string | undefined;
  let namespace: string | undefined;
  if (config.cluster) {
    const kind = add('install:kind', first, { kind: 'install-tool', tool: 'kind' }, 'install-tool');
    const kubectl = add('install:kubectl', first, { kind: 'install-tool', tool: 'kubectl' }, 'install-tool');
    const node = add('pull:node-image', first, { kind: 'pull-node-image', fromPreflight: preflight }, 'pull-node-image');
    // `cluster` ends when the API server answers: objects can be applied while nodes come up;
    // `nodes` (every node Ready, CoreDNS rolled out) is waited for only at the end, by `ready`
    cluster = add('cluster', [kind, kubectl, node], { kind: 'create-cluster', fromNodeImage: node }, 'create-cluster');
    nodes = add('nodes', [cluster], { kind: 'nodes-ready' }, 'nodes-ready');
    namespace = add('namespace', [cluster], { kind: 'create-namespace' }, 'create-namespace');
  }

  const loads: string[] = [];
  for (const image of Object.keys(config.images)) {
    const build = add(`build:${image}`, first, { kind: 'build-image', image, fromPreflight: preflight }, 'build-image', 'build');
    if (cluster) loads.push(add(`load:${image}`, [build, cluster], { kind: 'load-image', image, fromBuild: build }, 'load-image'));
  }

  // What the service's deploy waits for from each dependency: it is reachable by its in-cluster name.
  const depsReady: string[] = [];
  let postgresUp: string | undefined;
  for (const dep of ['postgres', 'redis'] as const) {
    const spec = config[dep];
    if (!spec) continue;
    const pull = add(`pull:${dep}`, first, { kind: 'pull-image', dep, fromPreflight: preflight }, 'pull-image');
    let up: string;
    if (spec.placement === 'cluster' && cluster && namespace) {
      const preload = add(`preload:${dep}`, [pull, cluster], { kind: 'preload-image', dep, fromPull: pull }, 'preload-image');
      up = add(dep, [preload, namespace], { kind: 'start-in-cluster', dep, fromPreload: preload }, `start-${dep}:cluster`);
      depsReady.push(up);
    } else {
      up = add(dep, [pull], { kind: 'start-container', dep, fromPull: pull }, `start-${dep}:docker`);
      const link = namespace && add(`link:${dep}`, [up, namespace], { kind: 'link-dependency', dep, fromContainer: up }, 'link-dependency');
      depsReady.push(link || up);
    }
    if (dep === 'postgres') postgresUp = up;
  }

  let migrated: string | undefined;
  if (postgresUp && config.postgres && (config.postgres.migrations || config.postgres.migrateCommand)) {
    migrated = add('migrate', [postgresUp], { kind: 'migrate', fromPostgres: postgresUp }, 'migrate');
  }

  // the config refuses `deploy` without a cluster, so a namespace is there whenever deploy is
  if (config.deploy && namespace) {
    const needsHelm = config.deploy.helm.length > 0 || config.deploy.kustomizeHelm;
    const helm = needsHelm ? [add('install:helm', first, { kind: 'install-tool', tool: 'helm' }, 'install-tool')] : [];
    const needs = [namespace, ...loads, ...depsReady, ...(migrated ? [migrated] : []), ...helm];
    const deploy = add('deploy', needs, { kind: 'deploy', fromLoads: loads, fromDependencies: depsReady }, 'deploy');
    add('ready', nodes ? [deploy, nodes] : [deploy], { kind: 'ready' }, 'ready');
  }
  return tasks;
}
