/**
 * One setup step, the kind way (`pkg/cluster/internal/create/actions`): a small unit with one
 * `run` that takes its planned input and returns a typed result.
 */
import type { LogSink } from '../../core/log.js';
import type { StepKind, StepOf } from '../../plan/plan.js';
import type { StepContext } from '../step-context.js';
import type { StepResults } from './results.js';

export interface StepTask {
  /** Aborted when a sibling fails, the deadline passes, or the caller cancels. */
  signal: AbortSignal;
  log: LogSink;
  /**
   * The result of task `id`, which the plan made of step kind `kind` (or one of `kinds`) and
   * which this task needs. Anything else is an error naming both tasks.
   */
  need<K extends StepKind>(kind: K | readonly K[], id: string): StepResults[K];
}

export interface StepAction<K extends StepKind> {
  readonly kind: K;
  run(input: StepOf<K>, ctx: StepContext, task: StepTask): Promise<StepResults[K]>;
}

/** A value the plan guarantees; its absence is a bug that names what was missing. */
export function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is missing: the plan should not have made this step`);
  return value;
}

/** The cluster's tools and ports, which every cluster step uses; the plan makes those steps only with a cluster. */
export function clusterOf(ctx: Pick<StepContext, 'cluster'>): NonNullable<StepContext['cluster']> {
  return present(ctx.cluster, 'the cluster context');
}
