/**
 * How one apply is sent: CustomResourceDefinitions first, on their own; objects of another
 * namespace in applies of their own (kubectl refuses them under the environment's --namespace);
 * and text with neither untouched.
 */
import { describe, expect, test } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { applyOrder, Kubectl } from '../src/kube/kubectl.js';
import { FakeRunner } from './helpers/fake-runner.js';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec:
  group: example.com
  names: { kind: Widget, plural: widgets }
  scope: Namespaced
  versions: [{ name: v1, served: true, storage: true, schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } } }]
`;
const WIDGET = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\nspec: { mode: 0644 }\n';
const kinds = (text: string) => parseAllDocuments(text).map((d) => d.get('kind'));

describe('applyOrder', () => {
  test('text with no CRD and no other namespace is one apply, untouched', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: app-e2e }\n';
    expect(applyOrder(text, 'app-e2e')).toEqual({ names: [], byNamespace: [['app-e2e', text]] });
  });

  test('the CRDs come apart from the resources of their kinds, named, with every value kept', () => {
    const { crds, names, byNamespace } = applyOrder(`${WIDGET}---\n${CRD}`, 'app-e2e');
    expect(names).toEqual(['widgets.example.com']);
    expect(kinds(crds ?? '')).toEqual(['CustomResourceDefinition']);
    expect(byNamespace.map(([ns]) => ns)).toEqual(['app-e2e']);
    const kept = parseAllDocuments(byNamespace[0][1], { version: '1.1' }).map((d) => d.toJS() as { kind: string; spec: { mode: number } });
    expect(kept.map((o) => [o.kind, o.spec.mode])).toEqual([['Widget', 0o644]]);
  });

  test('objects of another namespace (a CNI in kube-system) go in their own apply, after the environment\'s', () => {
    const cni = 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: cni\n  namespace: kube-system\n';
    const sa = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: cni\n  namespace: kube-system\n';
    const { byNamespace } = applyOrder(`${cni}---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n---\n${sa}`, 'app-e2e');
    expect(byNamespace.map(([ns, text]) => [ns, kinds(text)])).toEqual([
      ['app-e2e', ['ConfigMap']],
      ['kube-system', ['DaemonSet', 'ServiceAccount']],
    ]);
  });
});

describe('applyOrder, on flow-style YAML and JSON', () => {
  test('an object of another namespace in a flow mapping, or in JSON, still gets its own apply', () => {
    const flow = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: cni, namespace: kube-system }\n';
    const json = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "kube-system"}}\n';
    for (const text of [flow, json]) expect(applyOrder(text, 'app-e2e').byNamespace.map(([ns]) => ns)).toEqual(['app-e2e', 'kube-system']);
  });
});

describe("the action's own objects", () => {
  test('are written as YAML 1.1, which kubectl reads: a user named yes stays a string', async () => {
    const runner = new FakeRunner().on(['kubectl'], { stdout: '' });
    await new Kubectl(runner, '/k').apply([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { POSTGRES_USER: 'yes', N: '1_000' } }], 'app-e2e');
    const sent = parseAllDocuments(runner.calls[0].input ?? '', { version: '1.1' })[0].toJS() as { stringData: Record<string, unknown> };
    expect(sent.stringData).toEqual({ POSTGRES_USER: 'yes', N: '1_000' });
  });
});
