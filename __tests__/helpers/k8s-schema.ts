/** Checks objects against the Kubernetes OpenAPI schemas (kubernetes-models). */
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { EndpointSlice } from 'kubernetes-models/discovery.k8s.io/v1';

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'apps/v1/Deployment': Deployment,
  'discovery.k8s.io/v1/EndpointSlice': EndpointSlice,
};

export function validateK8s(object: Record<string, unknown>): void {
  const key = `${String(object.apiVersion)}/${String(object.kind)}`;
  const Model = MODELS[key];
  if (!Model) throw new Error(`no schema for ${key}`);
  new Model(object as never).validate();
}
