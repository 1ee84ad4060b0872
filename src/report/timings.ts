/** The `timings` output: one object per task, times as ISO strings, so tests and dashboards can read them. */
import type { GraphResult } from '../engine/types.js';

export interface TimingRecord {
  task: string;
  needs: string[];
  start: string | null;
  end: string | null;
  status: string;
}

export function timingRecords(result: GraphResult): TimingRecord[] {
  const iso = (ms?: number): string | null => (ms === undefined ? null : new Date(ms).toISOString());
  return result.timings.map((t) => ({ task: t.task, needs: t.needs, start: iso(t.start), end: iso(t.end), status: t.status }));
}

export function describeFailure(result: GraphResult): string {
  const f = result.failure;
  if (!f) return '';
  const tail = f.logTail.trim() ? `\n--- last lines of ${f.task} ---\n${f.logTail}` : '';
  return `task "${f.task}" failed: ${f.message}${tail}`;
}
