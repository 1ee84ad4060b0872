/**
 * A dependency's image onto the nodes, so the cluster never pulls it from a registry.
 *
 * An image named by digest (`postgres@sha256:…`) goes under a tag of its own first
 * (`postgres:digest-…`, digestTag): docker's classic store writes no reference for a digest in
 * `docker save`, so the node would hold the image under no name the pod asks for, and the kubelet
 * would pull it again (a private image then ends in ImagePullBackOff). The pod names that tag.
 */
import { digestTag } from '../../docker/images.js';
import { loadOntoNodes } from './node-load.js';
import type { StepAction } from './step.js';

export const preloadImage: StepAction<'preload-image'> = {
  kind: 'preload-image',
  async run(input, ctx, task) {
    const image = task.need('pull-image', input.fromPull);
    const ref = digestTag(image.localRef);
    if (ref !== image.localRef) await ctx.docker.tag(image.id, ref, { signal: task.signal, log: task.log });
    await loadOntoNodes(ref, ctx, task);
    return { ...image, localRef: ref };
  },
};
