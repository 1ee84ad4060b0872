/**
 * Turns a Config into the task graph: which tasks exist and what each one needs. It decides
 * nothing about how commands run; `setup/` binds each step to the code that performs it.
 *
 * The shape follows the inputs, not phases: builds and dependency containers start at t=0,
 * the migrations need only PostgreSQL, loads need their image and the cluster.
 */
import type { Config } from '../config/normalize.js';
import { ESTIMATE_SECONDS, type EstimateKey } from './estimates.js';

export type Dependency = 'postgres' | 'redis';

export type Step =
  | { kind: 'install-tool'; tool: 'kind' | 'kubectl' }
  | { kind: 'pull-node-image' }
  | { kind: 'create-cluster' }
  | { kind: 'create-namespace' }
  | { kind: 'build-image'; image: string }
  | { kind: 'load-image'; image: string }
  | { kind: 'pull-image'; dep: Dependency }
  | { kind: 'preload-image'; dep: Dependency }
  | { kind: 'start-dependency'; dep: Dependency }
  | { kind: 'link-dependency'; dep: Dependency }
  | { kind: 'migrate' }
  | { kind: 'deploy' }
  | { kind: 'ready' };

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

  let cluster: string | undefined;
  let namespace: string | undefined;
  if (config.cluster) {
    const kind = add('install:kind', [], { kind: 'install-tool', tool: 'kind' }, 'install-tool');
    const kubectl = add('install:kubectl', [], { kind: 'install-tool', tool: 'kubectl' }, 'install-tool');
    const node = add('pull:node-image', [], { kind: 'pull-node-image' }, 'pull-node-image');
    cluster = add('cluster', [kind, kubectl, node], { kind: 'create-cluster' }, 'create-cluster');
    namespace = add('namespace', [cluster], { kind: 'create-namespace' }, 'create-namespace');
  }

  const loads: string[] = [];
  for (const image of Object.keys(config.images)) {
    const build = add(`build:${image}`, [], { kind: 'build-image', image }, 'build-image', 'build');
    if (cluster) loads.push(add(`load:${image}`, [build, cluster], { kind: 'load-image', image }, 'load-image'));
  }

  // What the service's deploy waits for from each dependency: it is reachable by its in-cluster name.
  const depsReady: string[] = [];
  let postgresUp: string | undefined;
  for (const dep of ['postgres', 'redis'] as const) {
    const spec = config[dep];
    if (!spec) continue;
    const pull = add(`pull:${dep}`, [], { kind: 'pull-image', dep }, 'pull-image');
    let up: string;
    if (spec.placement === 'cluster') {
      const preload = add(`preload:${dep}`, [pull, cluster!], { kind: 'preload-image', dep }, 'preload-image');
      up = add(dep, [preload, namespace!], { kind: 'start-dependency', dep }, `start-${dep}:cluster`);
      depsReady.push(up);
    } else {
      up = add(dep, [pull], { kind: 'start-dependency', dep }, `start-${dep}:docker`);
      depsReady.push(namespace ? add(`link:${dep}`, [up, namespace], { kind: 'link-dependency', dep }, 'link-dependency') : up);
    }
    if (dep === 'postgres') postgresUp = up;
  }

  let migrated: string | undefined;
  if (config.postgres && (config.postgres.migrations || config.postgres.migrateCommand)) {
    migrated = add('migrate', [postgresUp!], { kind: 'migrate' }, 'migrate');
  }

  if (config.deploy) {
    const needs = [namespace!, ...loads, ...depsReady, ...(migrated ? [migrated] : [])];
    const deploy = add('deploy', needs, { kind: 'deploy' }, 'deploy');
    add('ready', [deploy], { kind: 'ready' }, 'ready');
  }
  return tasks;
}
