/** A dependency's image onto the nodes, so the cluster never pulls it from a registry. */
import { loadOntoNodes } from './node-load.js';
import type { StepAction } from './step.js';

export const preloadImage: StepAction<'preload-image'> = {
  kind: 'preload-image',
  async run(input, ctx, task) {
    const image = task.need('pull-image', input.fromPull);
    await loadOntoNodes(image.localRef, ctx, task);
    return image;
  },
};
