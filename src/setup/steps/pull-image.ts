/** A dependency's image, made present on the host. */
import { makeLocal } from './local-image.js';
import { present, type StepAction } from './step.js';

export const pullImage: StepAction<'pull-image'> = {
  kind: 'pull-image',
  run: (input, ctx, task) => makeLocal(present(ctx.config[input.dep], input.dep).image, ctx, task, input.fromPreflight),
};
