/** Writes what the action hands on: outputs, exported variables, masks, and the live task lines. */
import * as core from '@actions/core';
import type { EngineEvents } from '../engine/types.js';
import { formatMs } from '../core/format.js';
import type { GraphResult } from '../engine/types.js';
import type { Logger } from '../core/log.js';
import type { Outputs } from '../setup/context.js';
import { renderSummary, type RunRecord } from './summary.js';
import { timingRecords } from './timings.js';

export const actionLogger: Logger = { info: (m) => core.info(m), warn: (m) => core.warning(m) };

/** One short line per start and end; each task's log as one group when it ends, so nothing interleaves. */
export const actionEvents: EngineEvents = {
  started: (task) => core.info(`▶ ${task}`),
  finished: (task, status, ms, log) => {
    const mark = status === 'succeeded' ? '✔' : status === 'failed' ? '✖' : '○';
    const title = `${mark} ${task} ${status} in ${formatMs(ms)}`;
    if (log.trim()) {
      core.startGroup(title);
      core.info(log.trimEnd());
      core.endGroup();
    } else {
      core.info(title);
    }
  },
};

/** The job summary: timeline, gantt, critical path, saving, cache, endpoints (masked). */
export async function writeSummary(run: RunRecord, mask: (text: string) => string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(renderSummary(run, mask), true).write();
}

export function publishOutputs(outputs: Outputs, env: Record<string, string>, result: GraphResult): void {
  const set = (name: string, value: string | undefined): void => {
    if (value !== undefined) core.setOutput(name, value);
  };
  set('cluster-name', outputs.clusterName);
  set('kubeconfig', outputs.kubeconfig);
  set('namespace', outputs.namespace);
  set('endpoints', JSON.stringify(outputs.endpoints));
  set('postgres-url', outputs.postgresUrl);
  set('redis-url', outputs.redisUrl);
  set('service-url', outputs.serviceUrl);
  set('images', JSON.stringify(outputs.images));
  set('timings', JSON.stringify(timingRecords(result)));
  set('diagnostics-dir', outputs.diagnosticsDir);
  for (const [k, v] of Object.entries(env)) core.exportVariable(k, v);
}
