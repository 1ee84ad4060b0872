/**
 * A service image under its content tag, computed here once and used by everything after it
 * (the `images` output, IMAGE_<NAME>, the manifests), with the best layer cache the host offers.
 */
import { buildImage as build } from '../../docker/build.js';
import { contentTag } from '../../docker/context-hash.js';
import { platformKey } from '../../tools/platform.js';
import { present, type StepAction } from './step.js';

export const buildImage: StepAction<'build-image'> = {
  kind: 'build-image',
  async run(input, ctx, task) {
    const image = present(ctx.config.images[input.image], `image "${input.image}"`);
    // the context was listed once, by preflight, to measure it
    const tag = contentTag(input.image, image, task.need('preflight', input.fromPreflight).contextFiles[input.image]);
    task.log.write(`${input.image}: tag ${tag.tag} from ${tag.files} context files\n`);
    const source = await build(ctx.docker, { name: input.image, image, tag }, {
      signal: task.signal,
      log: task.log,
      cache: ctx.cache,
      strategy: await ctx.buildStrategy(),
      workspace: ctx.config.workspace,
      diagnosticsDir: ctx.identity.diagnosticsDir,
      platform: platformKey(ctx.platform),
      later: ctx.later,
      mask: ctx.services.secrets.mask,
    });
    task.log.write(`image source: ${source}\n`);
    return { name: input.image, tag: tag.tag, source };
  },
};
