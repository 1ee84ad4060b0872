/** Shared by the steps that make an image present on the host: node images and dependency images alike. */
import { ensureImage } from '../../docker/images.js';
import { platformKey } from '../../tools/platform.js';
import type { StepContext } from '../step-context.js';
import type { LocalImage } from './results.js';
import type { StepTask } from './step.js';

/**
 * Present, else restored from the cache, else pulled (and saved for the next run). Preflight
 * already looked for the image on the host: an id it read is not read again.
 */
export async function makeLocal(ref: string, ctx: StepContext, task: StepTask, fromPreflight: string): Promise<LocalImage> {
  const knownId = task.need('preflight', fromPreflight).imageIds[ref];
  const { source, localRef, id } = await ensureImage(ctx.docker, ref, {
    knownId,
    signal: task.signal,
    log: task.log,
    cache: ctx.cache,
    workspace: ctx.config.workspace,
    platform: platformKey(ctx.platform),
    later: ctx.later,
  });
  task.log.write(`${ref}: source ${source}${localRef !== ref ? `, used as ${localRef}` : ''}\n`);
  return { ref, localRef, source, id };
}
