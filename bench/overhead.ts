/** The engine's own cost per task: 200 no-op tasks as a wide graph and as a deep chain. */
import { runGraph } from '../src/engine/engine.js';
import type { Task } from '../src/engine/types.js';
import { median, report, timeIt } from './util.js';

const N = 200;

export async function benchOverhead(): Promise<void> {
  const noop = async (): Promise<void> => {};
  const shapes: Record<string, () => Task[]> = {
    wide: () => Array.from({ length: N }, (_, i) => ({ id: `t${i}`, needs: [], run: noop })),
    deep: () => Array.from({ length: N }, (_, i) => ({ id: `t${i}`, needs: i ? [`t${i - 1}`] : [], run: noop })),
  };
  for (const [shape, make] of Object.entries(shapes)) {
    const runs: number[] = [];
    for (let i = 0; i < 7; i++) runs.push((await timeIt(() => runGraph(make(), { concurrency: N }))).ms);
    const perTask = median(runs) / N;
    report(`engine overhead (${shape})`, { tasks: N, total_ms: median(runs), per_task_ms: perTask, 'per_task/2ms': perTask / 2 }, { ok: perTask < 2, text: '< 2 ms per task' });
  }
}
