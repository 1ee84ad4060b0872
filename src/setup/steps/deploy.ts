/**
 * The service, deployed in one step, in this order: the plain manifests, then each kustomization
 * (rendered by the installed kubectl with this run's image tags put in by kustomize's images
 * transformer), then each Helm chart (`helm upgrade --install`, no --wait: the `ready` task waits
 * once for everything). Every placeholder is filled from the tasks that produced it (the loaded
 * images' tags, the dependencies' in-cluster names), on the parsed YAML for manifests and
 * kustomize output, in values files and `set` for charts (a `set` value holding a secret goes to
 * helm through a 0600 file, `--set-file`, never in argv). Everything kubectl applies goes in the
 * environment's namespace; each exposed port then becomes the NodePort that kind maps to this
 * leg's host port. An exposed port the Service lacks is refused before anything is applied.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { envKey, KUBECTL_YAML, substitute, substituteYaml } from '../../config/placeholders.js';
import { Helm, type HelmSet } from '../../kube/helm.js';
import { wrapKustomization, type ImageReplacement } from '../../kube/kustomize.js';
import { findService, nodePortPatch, servicePort } from '../../kube/manifests.js';
import type { HelmRelease } from '../../config/normalize.js';
import type { Call } from '../../core/log.js';
import { portFor, staticValues, type StepContext } from '../step-context.js';
import { clusterOf, present, type StepAction } from './step.js';

export const deploy: StepAction<'deploy'> = {
  kind: 'deploy',
  async run(input, ctx, task) {
    const c = clusterOf(ctx);
    const d = present(ctx.config.deploy, 'deploy');
    const values = staticValues(ctx);
    const images: ImageReplacement[] = [];
    for (const id of input.fromLoads) {
      const { name, tag } = task.need('load-image', id);
      values[`IMAGE_${envKey(name)}`] = tag;
      images.push({ name: ctx.config.images[name]?.replaces ?? name, tag });
    }
    for (const id of input.fromDependencies) Object.assign(values, task.need(['start-in-cluster', 'link-dependency'], id).values);
    const call = { signal: task.signal, log: task.log };
    const ns = ctx.config.namespace;

    const texts = d.manifests.map((file) => substituteYaml(readFileSync(file, 'utf8'), values));
    for (const [i, dir] of d.kustomize.entries()) {
      const wrapper = wrapKustomization(dir, join(ctx.identity.workDir, 'kustomize', String(i)), images);
      task.log.write(`kustomize: ${dir} with ${images.length} image(s) replaced\n`);
      texts.push(substituteYaml(await c.kubectl.kustomize(wrapper, call, { helm: d.kustomizeHelm }), values));
    }
    const rendered = texts.join('\n---\n');
    const objects = parseAllDocuments(rendered, { version: KUBECTL_YAML }).flatMap((doc) => [doc.toJS() as unknown]);
    // An exposed Service that kubectl applies is checked before anything is applied; one only a
    // chart makes is read back once the charts are installed.
    const exposed = Object.entries(d.expose).map(([name, e]) => ({ ...e, nodePort: portFor(c, `expose:${name}`).containerPort }));
    const fromCharts = d.helm.length > 0 ? exposed.filter((e) => !findService(objects, e.service, ns)) : [];
    const patch = (objs: unknown[], e: (typeof exposed)[number]) => {
      if ((findService(objs, e.service, ns)?.spec as { externalTrafficPolicy?: string } | undefined)?.externalTrafficPolicy === 'Local') {
        task.log.write(`Service "${e.service}": externalTrafficPolicy Local becomes Cluster, as kind maps the host port to the control plane only\n`);
      }
      return { service: e.service, patch: nodePortPatch(servicePort(objs, e.service, ns, e.port), e.nodePort) };
    };
    const patches = exposed.filter((e) => !fromCharts.includes(e)).map((e) => patch(objects, e));

    if (texts.length > 0) await c.kubectl.apply(rendered, ns, call);
    if (d.helm.length > 0) await installCharts(ctx, d.helm, values, call);
    for (const e of fromCharts) patches.push(patch([await c.kubectl.getObject('service', e.service, ns, call)], e));
    for (const p of patches) await c.kubectl.patchService(ns, p.service, p.patch, call);
    return { manifests: d.manifests, kustomize: d.kustomize, charts: d.helm.map((h) => h.release), exposed: Object.keys(d.expose) };
  },
};

/**
 * `helm upgrade --install` for each chart. Values files are filled into 0600 files beside the
 * kubeconfig, and a `set` string holding a secret goes through one too (`--set-file`): all of
 * them are gone once the charts are installed.
 */
async function installCharts(ctx: StepContext, charts: HelmRelease[], values: Record<string, string>, call: Call): Promise<void> {
  const helm = new Helm(ctx.services.runner, ctx.identity.kubeconfig);
  const dir = join(ctx.identity.workDir, 'helm-values');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secretFile = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text, { mode: 0o600 });
    return file;
  };
  try {
    for (const [i, h] of charts.entries()) {
      // Filled as text, unlike manifests: a chart's values are its own schema, where `port: ${POSTGRES_PORT}`
      // must stay the number a template may compute with (the values made here hold no `: ` or `#`).
      const files = h.values.map((v, j) => secretFile(`${i}-${j}.yaml`, substitute(readFileSync(v, 'utf8'), values)));
      const set = Object.entries(h.set).map(([key, v], j): HelmSet => {
        if (typeof v !== 'string') return { key, value: String(v), as: 'set' };
        const value = substitute(v, values);
        return ctx.services.secrets.mask(value) === value ? { key, value, as: 'set-string' } : { key, value: secretFile(`${i}-set-${j}.txt`, value), as: 'set-file' };
      });
      await helm.upgradeInstall({ release: h.release, chart: h.chart, namespace: h.namespace, values: files, set }, call);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
