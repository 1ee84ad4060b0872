/**
 * Runs any task graph: each task starts as soon as its needs have succeeded, within an overall
 * concurrency limit and per-slot limits. The first failure aborts the running siblings (their
 * signal fires) and skips everything not yet started. It knows nothing of what the tasks do.
 */
import { asError } from '../core/errors.js';
import { formatMs } from '../core/format.js';
import { longestPath, topoOrder } from './graph.js';
import { TaskLog } from './task-log.js';
import type { EngineEvents, GraphResult, Task, TaskFailure, TaskStatus, TaskTiming } from './types.js';

export interface EngineOptions {
  /** Most tasks running at once. */
  concurrency?: number;
  /** Most tasks running at once per named slot, e.g. `{ build: 1 }`. A slot not listed is unlimited. */
  slots?: Record<string, number>;
  /** Abort the whole graph after this long. */
  deadlineMs?: number;
  /** Cancels the graph from outside (SIGINT, the CLI's Ctrl-C). */
  signal?: AbortSignal;
  /** Applied to every byte of task output before it is kept. */
  mask?: (text: string) => string;
  events?: EngineEvents;
  /** How long to wait for aborted tasks to wind down before giving up on them. */
  settleMs?: number;
  now?: () => number;
}

export class DeadlineError extends Error {
  override name = 'DeadlineError';
}

/** A task asked for the result of a task it does not need: the plan lacks that edge. */
export class MissingEdgeError extends Error {
  override name = 'MissingEdgeError';
}

export async function runGraph(tasks: readonly Task[], opts: EngineOptions = {}): Promise<GraphResult> {
  topoOrder(tasks); // refuse duplicates, unknown needs and cycles before anything runs
  const now = opts.now ?? Date.now;
  const concurrency = opts.concurrency ?? 16;
  const slots = opts.slots ?? {};
  const abort = new AbortController();
  const timings = new Map<string, TaskTiming>(
    tasks.map((t) => [t.id, { task: t.id, needs: [...t.needs], status: 'skipped' as TaskStatus }]),
  );
  const pending = new Set(tasks.map((t) => t.id));
  const running = new Map<string, Promise<void>>();
  const inSlot = new Map<string, number>();
  const results = new Map<string, unknown>();
  let failure: TaskFailure | undefined;
  let wake: () => void = () => {};

  const stop = (reason: Error): void => {
    if (!abort.signal.aborted) abort.abort(reason);
  };
  const onOuterAbort = (): void => stop(asError(opts.signal?.reason, 'cancelled'));
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (opts.signal?.aborted) onOuterAbort();
  const deadline =
    opts.deadlineMs === undefined
      ? undefined
      : setTimeout(() => stop(new DeadlineError(`the deadline of ${formatMs(opts.deadlineMs!)} passed`)), opts.deadlineMs);

  const start = (task: Task): void => {
    pending.delete(task.id);
    if (task.slot) inSlot.set(task.slot, (inSlot.get(task.slot) ?? 0) + 1);
    const timing = timings.get(task.id)!;
    const log = new TaskLog(opts.mask);
    const resultOf = (id: string): unknown => {
      if (!task.needs.includes(id)) {
        throw new MissingEdgeError(`task "${task.id}" reads the result of "${id}", but the plan gives it no edge to "${id}"`);
      }
      return results.get(id);
    };
    timing.start = now();
    opts.events?.started?.(task.id);
    const done = (async () => {
      try {
        abort.signal.throwIfAborted();
        results.set(task.id, await task.run({ signal: abort.signal, log, resultOf }));
        timing.status = 'succeeded';
      } catch (err) {
        if (abort.signal.aborted) {
          // a sibling failed, the deadline passed or the caller cancelled: not this task's fault
          timing.status = 'cancelled';
        } else {
          timing.status = 'failed';
          const e = asError(err, 'failed');
          failure = { task: task.id, message: (opts.mask ?? String)(e.message), logTail: log.tail() };
          if (e.message && !log.text().includes(e.message)) log.write(`${e.message}\n`);
          stop(new Error(`task "${task.id}" failed`));
        }
      } finally {
        timing.end = now();
        running.delete(task.id);
        if (task.slot) inSlot.set(task.slot, inSlot.get(task.slot)! - 1);
        opts.events?.finished?.(task.id, timing.status, timing.end - timing.start!, log.text());
        wake();
      }
    })();
    running.set(task.id, done);
  };

  const startReady = (): void => {
    for (const task of tasks) {
      if (!pending.has(task.id) || abort.signal.aborted) continue;
      if (running.size >= concurrency) return;
      const needs = task.needs.map((n) => timings.get(n)!);
      if (needs.some((n) => n.status !== 'succeeded' || n.end === undefined)) continue;
      if (task.slot && (inSlot.get(task.slot) ?? 0) >= (slots[task.slot] ?? Infinity)) continue;
      start(task);
    }
  };

  abort.signal.addEventListener('abort', () => wake(), { once: true });
  const startedAt = now();
  try {
    for (;;) {
      startReady();
      if (running.size === 0) break;
      if (abort.signal.aborted) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    if (running.size > 0) await settle([...running.values()], opts.settleMs ?? 15_000);
  } finally {
    if (deadline) clearTimeout(deadline);
    opts.signal?.removeEventListener('abort', onOuterAbort);
  }

  if (!failure && abort.signal.aborted) {
    const reason = asError(abort.signal.reason, 'cancelled');
    const cut = [...timings.values()].filter((t) => t.status === 'cancelled').map((t) => t.task);
    failure = {
      task: cut[0] ?? '(graph)',
      message: `${reason.message}${cut.length ? `; cancelled: ${cut.join(', ')}` : ''}`,
      logTail: '',
    };
  }
  const list = tasks.map((t) => timings.get(t.id)!);
  const ran = (id: string): number => {
    const t = timings.get(id)!;
    return t.start !== undefined && t.end !== undefined ? t.end - t.start : 0;
  };
  return {
    ok: !failure,
    startedAt,
    endedAt: now(),
    timings: list,
    criticalPath: longestPath(tasks, ran),
    failure,
    results,
  };
}

async function settle(promises: Promise<void>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(promises),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

