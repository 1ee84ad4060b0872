/**
 * An image onto every node of the cluster: saved for the node's platform by the engine that holds
 * it (docker or podman), then `kind load image-archive`. See Kind.loadArchive for why not
 * `kind load docker-image`.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { shortHash } from '../../config/identity.js';
import type { StepContext } from '../step-context.js';
import { clusterOf, type StepTask } from './step.js';

export async function loadOntoNodes(ref: string, ctx: StepContext, task: StepTask): Promise<void> {
  const c = clusterOf(ctx);
  const dir = join(ctx.identity.workDir, 'images');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${shortHash(ref, 16)}.tar`);
  const call = { signal: task.signal, log: task.log };
  try {
    await ctx.docker.savePlatform(ref, file, `linux/${ctx.platform.arch}`, call);
    await c.kind.loadArchive(file, call);
  } finally {
    rmSync(file, { force: true });
  }
}
