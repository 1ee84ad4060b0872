/**
 * The service's manifests, with every placeholder filled from the tasks that produced it (the
 * loaded images' tags, the dependencies' in-cluster names) on the parsed YAML, applied in the
 * environment's namespace, then each exposed port turned into the NodePort that kind maps to
 * this leg's host port. An exposed port the Service lacks is refused before anything is applied.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { envKey, substituteYaml } from '../../config/placeholders.js';
import { nodePortPatch, servicePort } from '../../kube/manifests.js';
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
    const ns = ctx.config.namespace;
    const rendered = d.manifests.map((file) => substituteYaml(readFileSync(file, 'utf8'), values)).join('\n---\n');
    const objects = parseAllDocuments(rendered).flatMap((doc) => [doc.toJS() as unknown]);
    const patches = Object.entries(d.expose).map(([name, e]) => ({
      service: e.service,
      patch: nodePortPatch(servicePort(objects, e.service, ns, e.port), portFor(c, `expose:${name}`).containerPort),
    }));
    await c.kubectl.apply(rendered, ns, call);
    for (const p of patches) await c.kubectl.patchService(ns, p.service, p.patch, call);
    return { manifests: d.manifests, exposed: Object.keys(d.expose) };
  },
};
