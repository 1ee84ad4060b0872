/** The text `ds-e2e-setup plan` prints: each task with its needs, then the estimated critical path. */
import { longestPath } from '../engine/graph.js';
import type { PlannedTask } from './plan.js';

export function describePlan(tasks: PlannedTask[]): string {
  const est = new Map(tasks.map((t) => [t.id, t.estimateMs]));
  const path = longestPath(tasks, (id) => est.get(id)!);
  const sequential = tasks.reduce((sum, t) => sum + t.estimateMs, 0);
  const width = Math.max(...tasks.map((t) => t.id.length), 4);
  const onPath = new Set(path.tasks);
  const lines = [
    `${'task'.padEnd(width)}  ${'est.'.padStart(5)}  needs`,
    ...tasks.map(
      (t) =>
        `${t.id.padEnd(width)}  ${secs(t.estimateMs).padStart(5)}  ${t.needs.join(', ') || '-'}${onPath.has(t.id) ? '   *' : ''}`,
    ),
    '',
    `critical path (*): ${path.tasks.join(' -> ')}`,
    `estimated wall time: ${secs(path.ms)} (one after another: ${secs(sequential)})`,
  ];
  return lines.join('\n');
}

function secs(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}
