// What the API server refuses that the tests can meet, for the kubectl stand-in:
// - an object that does not match the Kubernetes OpenAPI schemas (kubernetes-models, the same
//   schemas the tests' own checks use), e.g. a number where EnvVar.value wants a string;
// - Service port rules from kubernetes/kubernetes pkg/apis/core/validation (validateServicePort):
//   once a Service has two or more ports every port needs a name (spec.ports[i].name: Required
//   value), and no two ports share a port number and protocol (Duplicate value).
// Kinds kubernetes-models does not know (custom resources) are taken as they are.

export const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'ClusterRole', 'ClusterRoleBinding',
  'CustomResourceDefinition', 'APIService', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'IngressClass', 'RuntimeClass',
]);

async function model(apiVersion, kind) {
  try {
    return (await import(`kubernetes-models/${apiVersion}`))[kind];
  } catch {
    return undefined;
  }
}

function servicePortProblems(spec = {}) {
  const ports = spec.ports ?? [];
  const problems = [];
  ports.forEach((p, i) => {
    if (ports.length > 1 && !p.name) problems.push(`spec.ports[${i}].name: Required value`);
    const same = ports.findIndex((q) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
    if (same !== i) problems.push(`spec.ports[${i}]: Duplicate value: ${JSON.stringify({ port: p.port, protocol: p.protocol ?? 'TCP' })}`);
  });
  return problems;
}

/** Why the API server would refuse `o`, or undefined. */
export async function refusal(o) {
  const Model = await model(o.apiVersion, o.kind);
  const problems = [];
  if (Model) {
    try {
      new Model(o).validate();
    } catch (e) {
      problems.push(String(e.message).replace(/^data\//, '').replace(/\//g, '.'));
    }
  }
  if (o.kind === 'Service') problems.push(...servicePortProblems(o.spec));
  return problems.length ? `The ${o.kind} "${o.metadata.name}" is invalid: ${problems.join(', ')}` : undefined;
}

/**
 * A strategic-merge patch of a Service's ports, as the API server applies it: ports merge by
 * their `port` (k8s.io/api core/v1 ServiceSpec.Ports: patchMergeKey "port"); a port the Service
 * does not have is appended.
 */
export function mergeServicePorts(ports = [], patchPorts = []) {
  const merged = ports.map((p) => ({ ...p, ...(patchPorts.find((q) => q.port === p.port) ?? {}) }));
  for (const q of patchPorts) if (!ports.some((p) => p.port === q.port)) merged.push({ ...q });
  return merged;
}
