/** A built image onto every node of the cluster, under the tag its build computed. */
import { loadOntoNodes } from './node-load.js';
import type { StepAction } from './step.js';

export const loadImage: StepAction<'load-image'> = {
  kind: 'load-image',
  async run(input, ctx, task) {
    const { tag } = task.need('build-image', input.fromBuild);
    await loadOntoNodes(tag, ctx, task);
    return { name: input.image, tag };
  },
};
