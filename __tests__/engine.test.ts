import { describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGraph } from '../src/engine/engine.js';
import { GraphError, longestPath } from '../src/engine/graph.js';
import type { Task, TaskTiming } from '../src/engine/types.js';
import { ProcessRunner } from '../src/exec/runner.js';

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });

const sleeper = (id: string, ms: number, needs: string[] = [], slot?: string): Task => ({
  id,
  needs,
  slot,
  run: ({ signal }) => sleep(ms, signal),
});

const byId = (timings: TaskTiming[]): Record<string, TaskTiming> => Object.fromEntries(timings.map((t) => [t.task, t]));

/**
 * Virtual time for the tests that assert durations: the engine reads `now()`, tasks `sleep()` on
 * it, and once every running task waits, time jumps to the earliest wake-up. Durations are then
 * exact, whatever else the machine is doing.
 */
class VirtualClock {
  private t = 1_000_000;
  private timers: { at: number; resolve: () => void }[] = [];
  private scheduled = false;
  readonly now = (): number => this.t;
  readonly sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      this.timers.push({ at: this.t + ms, resolve });
      this.advanceSoon();
    });
  /** After the engine has reacted to everything due (microtasks, then this macrotask). */
  private advanceSoon(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.timers.length === 0) return;
      const at = Math.min(...this.timers.map((x) => x.at));
      this.t = at;
      const due = this.timers.filter((x) => x.at === at);
      this.timers = this.timers.filter((x) => x.at !== at);
      for (const d of due) d.resolve();
      this.advanceSoon();
    });
  }
  task(id: string, ms: number, needs: string[] = [], slot?: string): Task {
    return { id, needs, slot, run: () => this.sleep(ms) };
  }
}

describe('engine', () => {
  test('independent tasks overlap in time', async () => {
    const clock = new VirtualClock();
    const r = await runGraph([clock.task('a', 400), clock.task('b', 400), clock.task('c', 400)], { now: clock.now });
    const t = byId(r.timings);
    expect(r.ok).toBe(true);
    for (const x of ['a', 'b', 'c']) expect([t[x].start! - r.startedAt, t[x].end! - r.startedAt]).toEqual([0, 400]);
    expect(r.endedAt - r.startedAt).toBe(400); // one after another: 1200 ms
  });

  test('a task never starts before its needs end, and starts as soon as they do', async () => {
    const clock = new VirtualClock();
    const r = await runGraph([clock.task('slow', 600), clock.task('fast', 50), clock.task('after-fast', 50, ['fast']), clock.task('join', 10, ['slow', 'after-fast'])], { now: clock.now });
    const t = byId(r.timings);
    expect(t['after-fast'].start).toBe(t.fast.end); // not held back by the slow sibling
    expect(t.join.start).toBe(t.slow.end);
    expect(r.endedAt - r.startedAt).toBe(610);
  });

  test('the first failure kills the running siblings\' processes and skips the dependents', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'engine-kill-'));
    const marker = join(dir, 'survived');
    const runner = new ProcessRunner();
    const r = await runGraph([
      {
        id: 'long',
        needs: [],
        // a child of a child: the whole process group must die, or the marker appears after 1.5 s
        run: async ({ signal, log }) => {
          await runner.run('sh', ['-c', `(sleep 1.5; touch ${marker}) & wait`], { signal, log });
        },
      },
      {
        id: 'broken',
        needs: [],
        run: async ({ log }) => {
          await sleep(100);
          log.write('step one\nthe reason it broke\n');
          throw new Error('exploded');
        },
      },
      sleeper('dependent', 10, ['broken']),
      sleeper('after-long', 10, ['long']),
    ]);
    const t = byId(r.timings);
    expect(r.ok).toBe(false);
    expect(r.failure).toMatchObject({ task: 'broken', message: 'exploded' });
    expect(r.failure!.logTail).toContain('the reason it broke');
    expect(t.broken.status).toBe('failed');
    expect(t.long.status).toBe('cancelled');
    expect(t.long.end! - t.long.start!).toBeLessThan(1000);
    expect(t.dependent.status).toBe('skipped');
    expect(t['after-long'].status).toBe('skipped');
    expect(t.dependent.start).toBeUndefined();
    await sleep(1800);
    expect(existsSync(marker)).toBe(false);
  });

  test('slots cap concurrency', async () => {
    let inBuild = 0;
    let most = 0;
    const clock = new VirtualClock();
    const build = (id: string): Task => ({
      id,
      needs: [],
      slot: 'build',
      run: async () => {
        most = Math.max(most, ++inBuild);
        await clock.sleep(300);
        inBuild--;
      },
    });
    const r = await runGraph([build('b1'), build('b2'), build('b3'), build('b4'), clock.task('other', 60)], { slots: { build: 2 }, now: clock.now });
    expect(r.ok).toBe(true);
    expect(most).toBe(2);
    const t = byId(r.timings);
    expect(t.other.start! - r.startedAt).toBe(0); // an unslotted task is not held back
    expect([t.b3.start! - r.startedAt, r.endedAt - r.startedAt]).toEqual([300, 600]);
  });

  test('the overall concurrency limit holds', async () => {
    let running = 0;
    let most = 0;
    const task = (id: string): Task => ({
      id,
      needs: [],
      run: async () => {
        most = Math.max(most, ++running);
        await sleep(20);
        running--;
      },
    });
    await runGraph(['a', 'b', 'c', 'd', 'e'].map(task), { concurrency: 3 });
    expect(most).toBe(3);
  });

  test('the deadline aborts the graph', async () => {
    const r = await runGraph([sleeper('forever', 60_000), sleeper('next', 10, ['forever'])], { deadlineMs: 150 });
    const t = byId(r.timings);
    expect(r.ok).toBe(false);
    expect(r.failure!.message).toContain('deadline');
    expect(r.failure!.message).toContain('forever');
    expect(t.forever.status).toBe('cancelled');
    expect(t.next.status).toBe('skipped');
    expect(r.endedAt - r.startedAt).toBeLessThan(1000);
  });

  test('an outside signal cancels the graph', async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(new Error('interrupted')), 50);
    const r = await runGraph([sleeper('a', 60_000)], { signal: stop.signal });
    expect(r.ok).toBe(false);
    expect(r.failure!.message).toContain('interrupted');
  });

  test('timings and the critical path are right on a known graph', async () => {
    // a(200) -> c(200) -> d(100); b(500) -> d. Longest chain: b -> d = 600 ms; a -> c -> d = 500 ms.
    const clock = new VirtualClock();
    const r = await runGraph([clock.task('a', 200), clock.task('b', 500), clock.task('c', 200, ['a']), clock.task('d', 100, ['b', 'c'])], { now: clock.now });
    const t = byId(r.timings);
    for (const [id, ms] of [['a', 200], ['b', 500], ['c', 200], ['d', 100]] as const) {
      expect(t[id].status).toBe('succeeded');
      expect(t[id].end! - t[id].start!).toBe(ms);
    }
    expect(t.d.needs).toEqual(['b', 'c']);
    expect(r.criticalPath).toEqual({ tasks: ['b', 'd'], ms: 600 });
    expect(r.endedAt - r.startedAt).toBe(600);
  });

  test('a task reads what its needs returned; reading a task it does not need fails it, naming both', async () => {
    const r = await runGraph([
      { id: 'build', needs: [], run: async () => ({ tag: 'api:e2e-1' }) },
      { id: 'other', needs: [], run: async () => 'not for you' },
      { id: 'load', needs: ['build'], run: async ({ resultOf }) => `loaded ${(resultOf('build') as { tag: string }).tag}` },
      { id: 'sneaky', needs: ['load'], run: async ({ resultOf }) => resultOf('other') },
    ]);
    expect(r.results.get('load')).toBe('loaded api:e2e-1');
    expect(r.results.has('sneaky')).toBe(false);
    expect(r.failure).toMatchObject({ task: 'sneaky', message: 'task "sneaky" reads the result of "other", but the plan gives it no edge to "other"' });
  });

  test('longestPath on estimates', () => {
    const nodes = [
      { id: 'x', needs: [] },
      { id: 'y', needs: ['x'] },
      { id: 'z', needs: [] },
      { id: 'w', needs: ['y', 'z'] },
    ];
    const est: Record<string, number> = { x: 5, y: 5, z: 20, w: 1 };
    expect(longestPath(nodes, (id) => est[id])).toEqual({ tasks: ['z', 'w'], ms: 21 });
  });

  test.each([
    ['a cycle', [sleeper('a', 1, ['c']), sleeper('b', 1, ['a']), sleeper('c', 1, ['b'])], /cycle: a -> c -> b -> a/],
    ['an unknown need', [sleeper('a', 1, ['ghost'])], /task "a" needs unknown task "ghost"/],
    ['a duplicate id', [sleeper('a', 1), sleeper('a', 1)], /task "a" is defined twice/],
  ])('%s is refused before anything runs', async (_name, tasks, message) => {
    let ran = 0;
    const counted = tasks.map((t) => ({ ...t, run: async () => void ran++ }));
    await expect(runGraph(counted)).rejects.toThrow(GraphError);
    await expect(runGraph(counted)).rejects.toThrow(message);
    expect(ran).toBe(0);
  });

  test('task output is masked and handed over as one block when the task ends', async () => {
    const blocks: string[] = [];
    const order: string[] = [];
    await runGraph(
      [
        { id: 'p', needs: [], run: async ({ log }) => { log.write('password is hunter22\n'); await sleep(20); log.write('done\n'); } },
        { id: 'q', needs: [], run: async ({ log }) => { log.write('q says hi\n'); } },
      ],
      {
        mask: (s) => s.replace(/hunter22/g, '***'),
        events: { started: (id) => order.push(`start ${id}`), finished: (id, status, _ms, log) => { order.push(`end ${id} ${status}`); blocks.push(log); } },
      },
    );
    expect(order).toEqual(['start p', 'start q', 'end q succeeded', 'end p succeeded']);
    expect(blocks).toEqual(['q says hi\n', 'password is ***\ndone\n']);
  });
});
