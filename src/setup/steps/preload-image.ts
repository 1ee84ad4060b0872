/** A dependency's image onto the nodes, so the cluster never pulls it from a registry. */
import { clusterOf, type StepAction } from './step.js';

export const preloadImage: StepAction<'preload-image'> = {
  kind: 'preload-image',
  async run(input, ctx, task) {
    const c = clusterOf(ctx);
    const image = task.need('pull-image', input.fromPull);
    await c.kind.loadImage(image.localRef, { signal: task.signal, log: task.log });
    return image;
  },
};
