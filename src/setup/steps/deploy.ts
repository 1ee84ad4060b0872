/**
 * The service's manifests, with every placeholder filled from the tasks that produced it (the
 * loaded images' tags, the dependencies' in-cluster names), then each exposed port turned into
 * the NodePort that kind maps to this leg's host port.
 */
import { readFileSync } from 'node:fs';
import { envKey, substitute } from '../../config/placeholders.js';
import { nodePortPatch } from '../../kube/manifests.js';
import { portFor, staticValues } from '../step-context.js';
import { clusterOf, present, type StepAction } from './step.js';

export const deploy: StepAction<'deploy'> = {
  kind: 'deploy',
  async run(input, ctx, task) {
    const c = clusterOf(ctx);
    const d = present(ctx.config.deploy, 'deploy');
    const values = staticValues(ctx);
    for (const id of input.fromLoads) {
      const { name, tag } = task.need('load-image', id);
      values[`IMAGE_${envKey(name)}`] = tag;
    }
    for (const id of input.fromDependencies) Object.assign(values, task.need(['start-in-cluster', 'link-dependency'], id).values);
    const call = { signal: task.signal, log: task.log };
    const rendered = d.manifests.map((file) => substitute(readFileSync(file, 'utf8'), values));
    await c.kubectl.apply(rendered.join('\n---\n'), call);
    for (const [name, e] of Object.entries(d.expose)) {
      await c.kubectl.patchService(ctx.config.namespace, e.service, nodePortPatch(e.port, portFor(c, `expose:${name}`).containerPort), call);
    }
    return { manifests: d.manifests, exposed: Object.keys(d.expose) };
  },
};
