/** kubectl against this leg's own kubeconfig, typed for what the action needs. */
import { parseAllDocuments, stringify } from 'yaml';
import { joinDocuments, KUBECTL_YAML } from '../config/placeholders.js';
import type { Call } from '../core/log.js';
import type { CommandRunner } from '../exec/runner.js';
import type { K8sObject } from './manifests.js';

/** The field manager server-side apply records for what the action applies. */
export const FIELD_MANAGER = 'ds-e2e-setup';
/** An Established condition follows a CRD's creation within seconds; a minute is generous. */
const CRD_SECONDS = 60;

/**
 * How a manifest text is applied: its CustomResourceDefinitions first (with their names), then
 * the rest by the namespace the objects name, the environment's first. Text that names no
 * other namespace and holds no CRD is one apply, the text untouched.
 */
export function applyOrder(text: string, namespace: string): { crds?: string; names: string[]; byNamespace: [string, string][] } {
  // a quick look first, loose enough for block and flow YAML and for JSON: only text that may
  // hold a CRD or name some namespace is parsed (a namespace in a spec is harmless: it is parsed,
  // and grouped by metadata.namespace alone)
  if (!text.includes('CustomResourceDefinition') && !/\bnamespace["']?\s*:/.test(text)) return { names: [], byNamespace: [[namespace, text]] };
  const docs = parseAllDocuments(text, { version: KUBECTL_YAML }).filter((d) => d.contents !== null);
  const isCrd = (d: (typeof docs)[number]) => d.get('kind') === 'CustomResourceDefinition';
  const join = (ds: typeof docs) => joinDocuments(ds.map((d) => d.toString()));
  const crds = docs.filter(isCrd);
  const groups = new Map<string, typeof docs>([[namespace, []]]);
  for (const d of docs.filter((x) => !isCrd(x))) {
    const ns = d.getIn(['metadata', 'namespace']);
    const key = typeof ns === 'string' && ns !== '' ? ns : namespace;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  return {
    ...(crds.length > 0 ? { crds: join(crds) } : {}),
    names: crds.map((d) => String(d.getIn(['metadata', 'name']))),
    byNamespace: [...groups].map(([ns, ds]) => [ns, join(ds)]),
  };
}

export class Kubectl {
  constructor(
    private readonly runner: CommandRunner,
    private readonly kubeconfig: string,
  ) {}

  run(args: string[], call: Call & { input?: string; allowFailure?: boolean; quietStdout?: boolean } = {}) {
    return this.runner.run('kubectl', ['--kubeconfig', this.kubeconfig, ...args], call);
  }

  /**
   * Applies objects or manifest text through stdin, so rendered secrets never touch the disk.
   * An object that names no namespace lands in the environment's (`--namespace`), not in
   * `default`; one that names its own (a CNI's objects in kube-system) lands there, in an apply of
   * its own, since kubectl refuses any object of another namespace than `--namespace` says.
   *
   * Server-side: a client-side apply keeps each object whole in its last-applied-configuration
   * annotation, which a large CRD overflows (262144 bytes) and which would keep a Secret's
   * stringData in plain text. CustomResourceDefinitions go first, and are waited for until
   * Established, so resources of their kinds in the same manifests find them.
   */
  async apply(objects: K8sObject[] | string, namespace: string, call: Call = {}): Promise<void> {
    // written as YAML 1.1, which kubectl reads: a value such as `yes`, `on` or `1_000` is quoted
    const input = typeof objects === 'string' ? objects : objects.map((o) => stringify(o, { version: KUBECTL_YAML })).join('---\n');
    const { crds, names, byNamespace } = applyOrder(input, namespace);
    const apply = (text: string, ns: string) =>
      this.run(['apply', '--server-side', '--force-conflicts', `--field-manager=${FIELD_MANAGER}`, '--namespace', ns, '--filename', '-'], { ...call, input: text });
    if (crds) {
      await apply(crds, namespace);
      await this.run(['wait', '--for=condition=Established', ...names.map((n) => `customresourcedefinition/${n}`), `--timeout=${CRD_SECONDS}s`], call);
    }
    for (const [ns, text] of byNamespace) if (text.trim()) await apply(text, ns);
  }

  /**
   * A kustomization rendered by this kubectl's built-in kustomize (`kubectl kustomize`), so no
   * second tool is downloaded. Rendering needs no cluster.
   */
  async kustomize(dir: string, call: Call = {}, opts: { helm?: boolean } = {}): Promise<string> {
    // --enable-helm: kustomize inflates helmCharts with the helm on PATH (--helm-command's default)
    return (await this.run(['kustomize', ...(opts.helm ? ['--enable-helm'] : []), dir], { ...call, quietStdout: true })).stdout;
  }

  /** One object as the API server has it. */
  async getObject(resource: string, name: string, namespace: string, call: Call = {}): Promise<unknown> {
    return JSON.parse((await this.run(['get', resource, name, '--namespace', namespace, '--output', 'json'], { ...call, quietStdout: true })).stdout) as unknown;
  }

  async nodesReady(timeoutSeconds: number, call: Call = {}): Promise<void> {
    await this.run(['wait', '--for=condition=Ready', 'nodes', '--all', `--timeout=${timeoutSeconds}s`], call);
  }

  async rolloutStatus(namespace: string, target: string, timeoutSeconds: number, call: Call = {}): Promise<void> {
    await this.run(['rollout', 'status', target, '--namespace', namespace, `--timeout=${timeoutSeconds}s`], call);
  }

  /** A Job until its Complete condition (a Job has no rollout to follow). */
  async waitComplete(namespace: string, target: string, timeoutSeconds: number, call: Call = {}): Promise<void> {
    await this.run(['wait', target, '--for=condition=complete', '--namespace', namespace, `--timeout=${timeoutSeconds}s`], call);
  }

  async patchService(namespace: string, name: string, patch: string, call: Call = {}): Promise<void> {
    await this.run(['patch', 'service', name, '--namespace', namespace, '--patch', patch], call);
  }
}
