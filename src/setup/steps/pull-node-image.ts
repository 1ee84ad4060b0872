/**
 * The node image (resolved in prepare from the kind release's table). kind would pull it itself;
 * pulled here it comes from the host or the cache, keyed by its reference, so legs on one
 * Kubernetes version share it and other versions do not.
 */
import { makeLocal } from './local-image.js';
import { present, type StepAction } from './step.js';

export const pullNodeImage: StepAction<'pull-node-image'> = {
  kind: 'pull-node-image',
  run: (input, ctx, task) => makeLocal(present(ctx.config.cluster?.nodeImage, 'the node image'), ctx, task, input.fromPreflight),
};
