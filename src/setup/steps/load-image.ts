/** A built image onto every node of the cluster, under the tag its build computed. */
import { clusterOf, type StepAction } from './step.js';

export const loadImage: StepAction<'load-image'> = {
  kind: 'load-image',
  async run(input, ctx, task) {
    const c = clusterOf(ctx);
    const { tag } = task.need('build-image', input.fromBuild);
    await c.kind.loadImage(tag, { signal: task.signal, log: task.log });
    return { name: input.image, tag };
  },
};
