/**
 * The user's `cluster.kindConfig` file, read the one way: checked when the environment file is
 * loaded, so a wrong file stops the run before anything starts, and merged when the cluster is
 * created (kube/kind-config.ts).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export function readKindConfigFile(file: string): Record<string, unknown> {
  const doc = parse(readFileSync(file, 'utf8')) as unknown;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not a YAML mapping');
  const { kind, apiVersion, nodes } = doc as Record<string, unknown>;
  if (kind !== undefined && kind !== 'Cluster') throw new Error(`kind is "${String(kind)}", expected "Cluster"`);
  if (apiVersion !== undefined && apiVersion !== 'kind.x-k8s.io/v1alpha4') {
    throw new Error(`apiVersion is "${String(apiVersion)}", expected "kind.x-k8s.io/v1alpha4"`);
  }
  if (nodes !== undefined && !Array.isArray(nodes)) throw new Error('nodes must be a list');
  return doc as Record<string, unknown>;
}
