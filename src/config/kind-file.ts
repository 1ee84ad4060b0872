/**
 * The user's `cluster.kindConfig` file, read the one way: checked when the environment file is
 * loaded, so a wrong file stops the run before anything starts, and merged when the cluster is
 * created (kube/kind-config.ts).
 */
import { readYamlMapping } from './yaml-file.js';

export function readKindConfigFile(file: string): Record<string, unknown> {
  const doc = readYamlMapping(file);
  if (!doc) throw new Error('must be a YAML mapping');
  const { kind, apiVersion, nodes } = doc;
  if (kind !== undefined && kind !== 'Cluster') throw new Error(`kind is "${String(kind)}", expected "Cluster"`);
  if (apiVersion !== undefined && apiVersion !== 'kind.x-k8s.io/v1alpha4') {
    throw new Error(`apiVersion is "${String(apiVersion)}", expected "kind.x-k8s.io/v1alpha4"`);
  }
  if (nodes !== undefined && !Array.isArray(nodes)) throw new Error('nodes must be a list');
  return doc;
}

/**
 * `disableDefaultCNI: true` or `kubeProxyMode: none`: the user installs the network, so the nodes
 * stay NotReady, and no pod is scheduled, until their own deploy has installed it.
 */
export function ownsNetwork(doc: Record<string, unknown>): boolean {
  const networking = (doc.networking ?? {}) as Record<string, unknown>;
  return networking.disableDefaultCNI === true || networking.kubeProxyMode === 'none';
}
