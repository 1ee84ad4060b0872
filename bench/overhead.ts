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
  // The same no-ops without the engine, side by side: all at once for the wide graph, one
  // after another for the chain. What the engine adds is the difference.
  const bare: Record<string, () => Promise<void>> = {
    wide: async () => void (await Promise.all(Array.from({ length: N }, noop))),
    deep: async () => {
      for (let i = 0; i < N; i++) await noop();
    },
  };
  for (const [shape, make] of Object.entries(shapes)) {
    const engine: number[] = [];
    const alone: number[] = [];
    for (let i = 0; i < 7; i++) {
      engine.push((await timeIt(() => runGraph(make(), { concurrency: N }))).ms);
      alone.push((await timeIt(bare[shape])).ms);
    }
    const perTask = (median(engine) - median(alone)) / N;
    report(
      `engine overhead (${shape})`,
      { tasks: N, engine_ms: median(engine), bare_ms: median(alone), 'engine/bare': median(engine) / median(alone), per_task_ms: perTask },
      { ok: perTask < 2, text: '< 2 ms per task' },
    );
  }
}
