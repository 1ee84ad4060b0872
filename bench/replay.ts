/**
 * The seed DataStorage graph (src/plan/estimates.ts) run by the real engine, each task a real `sleep` of its
 * seed duration scaled by 1/20; once with PostgreSQL and Redis in the cluster, once as
 * containers (placement: docker). Printed side by side: the wall time, the critical path, the
 * sum of the tasks, and the three-phase design's estimate (215 s, scaled).
 */
import { loadConfig } from '../src/config/load.js';
import { runGraph } from '../src/engine/engine.js';
import { longestPath } from '../src/engine/graph.js';
import { ProcessRunner } from '../src/exec/runner.js';
import { planTasks } from '../src/plan/plan.js';
import { buildSlots } from '../src/setup/up.js';
import { report } from './util.js';

const SCALE = 20;
const THREE_PHASE_S = 215;

export async function benchReplay(): Promise<void> {
  const runner = new ProcessRunner();
  for (const placement of ['cluster', 'docker'] as const) {
    const config = loadConfig('examples/datastorage/e2e.yaml');
    config.postgres!.placement = placement;
    config.redis!.placement = placement;
    const planned = planTasks(config);
    const seedCp = longestPath(planned, (id) => planned.find((t) => t.id === id)!.estimateMs);
    const result = await runGraph(
      planned.map((p) => ({
        id: p.id,
        needs: p.needs,
        slot: p.slot,
        run: async ({ signal, log }) => {
          await runner.run('sleep', [String(p.estimateMs / 1000 / SCALE)], { signal, log });
        },
      })),
      { slots: { build: buildSlots() } },
    );
    if (!result.ok) throw new Error(`replay failed: ${result.failure?.message}`);
    const wall = result.endedAt - result.startedAt;
    const cp = result.criticalPath.ms;
    const seq = result.timings.reduce((s, t) => s + (t.end! - t.start!), 0);
    const threePhase = (THREE_PHASE_S * 1000) / SCALE;
    report(
      `replay (${placement})`,
      { wall_ms: wall, critical_ms: cp, sequential_ms: seq, three_phase_ms: threePhase, 'wall/critical': wall / cp, 'wall/three_phase': wall / threePhase, 'wall/sequential': wall / seq },
      { ok: wall <= 1.03 * cp + 100, text: 'wall <= 1.03 x critical + 100 ms' },
    );
    report(
      `  seed critical path`,
      { critical_s: seedCp.ms / 1000, three_phase_s: THREE_PHASE_S, path: seedCp.tasks.join('>') },
      // The plan's own property, from its seed estimates, not a measurement: the cluster is two
      // tasks, "API answers" (cluster) and "nodes ready" (nodes), and deploy needs only the first.
      placement === 'docker' ? { ok: seedCp.ms <= 150_000 && !seedCp.tasks.includes('nodes'), text: 'the plan, on its seed estimates: docker placement <= 150 s, no "nodes" on its path' } : undefined,
    );
  }
}
