/**
 * The one registry of step actions. `satisfies` makes a step kind without an action a compile
 * error, so adding a step is one file, one line here, and its estimate.
 */
import type { TaskContext } from '../../engine/types.js';
import type { PlannedTask, StepKind, StepOf } from '../../plan/plan.js';
import type { StepContext } from '../step-context.js';
import { buildImage } from './build-image.js';
import { createCluster } from './create-cluster.js';
import { createNamespace } from './create-namespace.js';
import { deploy } from './deploy.js';
import { installTool } from './install-tool.js';
import { linkDependency } from './link-dependency.js';
import { loadImage } from './load-image.js';
import { migrate } from './migrate.js';
import { nodesReady } from './nodes-ready.js';
import { preflight } from './preflight.js';
import { preloadImage } from './preload-image.js';
import { pullImage } from './pull-image.js';
import { pullNodeImage } from './pull-node-image.js';
import { ready } from './ready.js';
import type { StepResults } from './results.js';
import { startContainer } from './start-container.js';
import { startInCluster } from './start-in-cluster.js';
import type { StepAction, StepTask } from './step.js';

export const STEP_ACTIONS = {
  preflight,
  'install-tool': installTool,
  'pull-node-image': pullNodeImage,
  'create-cluster': createCluster,
  'nodes-ready': nodesReady,
  'create-namespace': createNamespace,
  'build-image': buildImage,
  'load-image': loadImage,
  'pull-image': pullImage,
  'preload-image': preloadImage,
  'start-in-cluster': startInCluster,
  'start-container': startContainer,
  'link-dependency': linkDependency,
  migrate,
  deploy,
  ready,
} as const satisfies { [K in StepKind]: StepAction<K> };

/** The task's view of its needs' results, checked against what the plan made of each. */
export function stepTask(task: TaskContext, plannedKinds: ReadonlyMap<string, StepKind>): StepTask {
  return {
    signal: task.signal,
    log: task.log,
    need<K extends StepKind>(kind: K | readonly K[], id: string): StepResults[K] {
      const wanted: readonly StepKind[] = typeof kind === 'string' ? [kind] : kind;
      const planned = plannedKinds.get(id);
      if (planned === undefined || !wanted.includes(planned)) {
        throw new Error(`reads task "${id}" as ${wanted.join(' or ')}, but the plan made it ${planned ?? 'no task at all'}`);
      }
      return task.resultOf(id) as StepResults[K];
    },
  };
}

/** Runs one planned step with its action. */
export function runStep<K extends StepKind>(step: StepOf<K>, ctx: StepContext, task: StepTask): Promise<StepResults[K]> {
  const action = STEP_ACTIONS[step.kind] as unknown as StepAction<K>;
  return action.run(step, ctx, task);
}

/** The engine's tasks for a plan: each runs its step's action and hands back its typed result. */
export function bindTasks(planned: readonly PlannedTask[], ctx: StepContext) {
  const kinds = new Map(planned.map((p) => [p.id, p.step.kind]));
  return planned.map((p) => ({
    id: p.id,
    needs: p.needs,
    slot: p.slot,
    run: (t: TaskContext) => runStep(p.step, ctx, stepTask(t, kinds)),
  }));
}

/** Every result of one step kind, after the graph, in plan order (tasks that did not succeed have none). */
export function resultsOfKind<K extends StepKind>(planned: readonly PlannedTask[], results: ReadonlyMap<string, unknown>, kind: K): StepResults[K][] {
  return planned.filter((p) => p.step.kind === kind && results.has(p.id)).map((p) => results.get(p.id) as StepResults[K]);
}
