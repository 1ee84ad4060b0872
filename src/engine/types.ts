/** What the engine records for each task. Times are epoch milliseconds. */
export type TaskStatus = 'succeeded' | 'failed' | 'cancelled' | 'skipped';

/** Where a task writes what it has to say; the engine prints it as one block when the task ends. */
export interface LogSink {
  write(text: string): void;
}

export interface TaskContext {
  /** Aborted when a sibling fails, the deadline passes, or the caller cancels. */
  signal: AbortSignal;
  log: LogSink;
}

export interface Task {
  id: string;
  needs: readonly string[];
  /** A named slot for heavy work (e.g. `build`), capped separately from the overall limit. */
  slot?: string;
  run(ctx: TaskContext): Promise<void>;
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
}

/** Hooks for the front ends: a live line per start and end, and the task's log as one block. */
export interface EngineEvents {
  started?(task: string): void;
  finished?(task: string, status: TaskStatus, ms: number, log: string): void;
}
