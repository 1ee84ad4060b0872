/**
 * The node image. kind would pull it itself; pulled here it comes from the host or the cache,
 * keyed by its reference, so legs on one Kubernetes version share it and other versions do not.
 */
import { nodeImageFor } from '../../tools/releases.js';
import { kindVersion } from '../../tools/tools.js';
import type { StepContext } from '../step-context.js';
import { makeLocal } from './local-image.js';
import { present, type StepAction } from './step.js';

export function nodeImage(ctx: StepContext): string {
  const cluster = present(ctx.config.cluster, 'the cluster');
  return nodeImageFor(kindVersion({ version: ctx.options.kindVersion }), cluster.kubernetes, cluster.nodeImage);
}

export const pullNodeImage: StepAction<'pull-node-image'> = {
  kind: 'pull-node-image',
  run: (_input, ctx, task) => makeLocal(nodeImage(ctx), ctx, task),
};
