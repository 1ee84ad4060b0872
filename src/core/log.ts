/**
 * The small interfaces every room shares: where a task writes, what a front end logs, and how a
 * call is cancelled. Dependency-free, so any folder may import them.
 */

/** Where a task writes what it has to say; the engine prints it as one block when the task ends. */
export interface LogSink {
  write(text: string): void;
}

/** What the front ends hand the core: the action's annotations, or the CLI's stderr. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** The two things every external call takes: a signal that cancels it and the task's log. */
export interface Call {
  signal?: AbortSignal;
  log?: LogSink;
}

/**
 * Hands work that nothing in the graph waits for (a cache upload) to the caller, which awaits
 * it after the graph; without it, the work runs in line.
 */
export type Later = (label: string, work: (log: LogSink) => Promise<void>) => void;
