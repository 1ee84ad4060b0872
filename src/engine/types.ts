/** What the engine records for each task. Times are epoch milliseconds. */
import type { LogSink } from '../core/log.js';

export type TaskStatus = 'succeeded' | 'failed' | 'cancelled' | 'skipped';

export interface TaskContext {
  /** Aborted when a sibling fails, the deadline passes, or the caller cancels. */
  signal: AbortSignal;
  log: LogSink;
  /**
   * What a task this one needs returned, by that task's id. Only a direct need can be read:
   * the edge is what guarantees the result exists, so asking for any other task is an error
   * that names both.
   */
  resultOf(id: string): unknown;
}

export interface Task {
  id: string;
  needs: readonly string[];
  /** A named slot for heavy work (e.g. `build`), capped separately from the overall limit. */
  slot?: string;
  /** Its result is kept under the task's id for the tasks that need it. */
  run(ctx: TaskContext): Promise<unknown>;
}

export interface TaskTiming {
  task: string;
  needs: string[];
  start?: number;
  end?: number;
  status: TaskStatus;
}

export interface TaskFailure {
  task: string;
  message: string;
  /** The last lines of the failed task's log, already masked. */
  logTail: string;
}

export interface CriticalPath {
  tasks: string[];
  ms: number;
}

export interface GraphResult {
  ok: boolean;
  startedAt: number;
  endedAt: number;
  timings: TaskTiming[];
  criticalPath: CriticalPath;
  failure?: TaskFailure;
  /** What each task that succeeded returned, by task id. */
  results: ReadonlyMap<string, unknown>;
}

/** Hooks for the front ends: a live line per start and end, and the task's log as one block. */
export interface EngineEvents {
  started?(task: string): void;
  finished?(task: string, status: TaskStatus, ms: number, log: string): void;
}
