/**
 * The job summary as markdown: a timeline table, a Mermaid gantt of the run, the critical path,
 * what the graph saved against running the same tasks one after another, the cache's hits and
 * misses, and the endpoints. Pure: it takes a recorded run and returns text, already masked.
 */
import type { CacheEvent } from '../cache/recording.js';
import { formatMs } from '../core/format.js';
import type { GraphResult } from '../engine/types.js';
import type { Outputs } from '../setup/context.js';

export interface RunRecord {
  env: string;
  result: GraphResult;
  outputs: Outputs;
  cache: CacheEvent[];
}

const STATUS_ICON: Record<string, string> = { succeeded: '✅', failed: '❌', cancelled: '⏹️', skipped: '⏭️' };

/** The wall time against the sum of the task times; `strong` sets the wall time off (markdown bold in the summary). */
export function savingLine(result: GraphResult, strong = (text: string) => text): string {
  const sequentialMs = result.timings.reduce((sum, t) => sum + (t.start !== undefined && t.end !== undefined ? t.end - t.start : 0), 0);
  const wallMs = result.endedAt - result.startedAt;
  const saved = sequentialMs > 0 ? Math.round((1 - wallMs / sequentialMs) * 100) : 0;
  return `${strong(`Wall time ${formatMs(wallMs)}`)} against ${formatMs(sequentialMs)} one task after another: the graph saved ${saved}%.`;
}

export function renderSummary(run: RunRecord, mask: (text: string) => string): string {
  const { result } = run;
  const t0 = result.startedAt;
  const critical = new Set(result.criticalPath.tasks);
  const lines: string[] = [];
  lines.push(`## ds-e2e-setup: ${run.env} ${result.ok ? 'is up' : 'failed'}`, '');
  if (result.failure) lines.push(`> ❌ task \`${result.failure.task}\` failed: ${result.failure.message.split('\n')[0]}`, '');
  lines.push(savingLine(result, (text) => `**${text}**`), '');
  lines.push(`Critical path (${formatMs(result.criticalPath.ms)}): ${result.criticalPath.tasks.map((t) => `\`${t}\``).join(' → ')}`, '');

  lines.push('| task | start | duration | status | needs |', '| --- | ---: | ---: | --- | --- |');
  for (const t of result.timings) {
    const start = t.start === undefined ? '–' : `+${formatMs(t.start - t0)}`;
    const took = t.start === undefined || t.end === undefined ? '–' : formatMs(t.end - t.start);
    const name = critical.has(t.task) ? `**${t.task}**` : t.task;
    lines.push(`| ${name} | ${start} | ${took} | ${STATUS_ICON[t.status]} ${t.status} | ${t.needs.join(', ') || '–'} |`);
  }
  lines.push('', '```mermaid', ...gantt(result), '```', '');

  if (run.outputs.preflight.length > 0) lines.push('**Preflight:**', '', ...run.outputs.preflight.map((f) => `- ${f}`), '');
  if (run.outputs.clusterRetry) lines.push(`**Cluster:** created on the second attempt; the first failed: ${run.outputs.clusterRetry}.`, '');
  if (run.outputs.postgresSnapshot) lines.push(`**PostgreSQL snapshot:** ${run.outputs.postgresSnapshot}`, '');
  if (run.cache.length > 0) {
    const count = (r: CacheEvent['result']) => run.cache.filter((e) => e.result === r).length;
    lines.push(`**Cache:** ${count('hit')} hit, ${count('partial')} partial (an older entry), ${count('miss')} miss, ${count('saved')} saved.`, '');
    lines.push('<details><summary>cache keys</summary>', '', ...run.cache.map((e) => `- ${e.result}: \`${e.key}\`${e.matched && e.matched !== e.key ? ` (from \`${e.matched}\`)` : ''}`), '', '</details>', '');
  }

  const endpoints = Object.entries(run.outputs.endpoints);
  if (endpoints.length > 0) {
    lines.push('| endpoint | URL |', '| --- | --- |', ...endpoints.map(([n, u]) => `| ${n} | \`${u}\` |`), '');
  }
  if (run.outputs.clusterName) lines.push(`Cluster \`${run.outputs.clusterName}\`, namespace \`${run.outputs.namespace}\`, kubeconfig \`${run.outputs.kubeconfig}\`.`, '');
  return mask(lines.join('\n'));
}

/** Mermaid's gantt: ids without punctuation, times as epoch milliseconds (dateFormat x). */
function gantt(result: GraphResult): string[] {
  const critical = new Set(result.criticalPath.tasks);
  const out = ['gantt', '  title Setup timeline', '  dateFormat x', '  axisFormat %M:%S', '  section tasks'];
  result.timings.forEach((t, i) => {
    if (t.start === undefined || t.end === undefined) return;
    const tags = [t.status === 'failed' || critical.has(t.task) ? 'crit' : '', t.status === 'succeeded' ? 'done' : 'active'].filter(Boolean);
    // a zero-length bar is not drawn: give it a millisecond
    out.push(`  ${t.task.replace(/[:#;]/g, ' ')} :${tags.join(', ')}, t${i}, ${t.start}, ${Math.max(t.end, t.start + 1)}`);
  });
  return out;
}
