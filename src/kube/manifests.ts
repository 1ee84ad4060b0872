/**
 * The Kubernetes objects the action owns: the namespace, PostgreSQL and Redis when placed in the
 * cluster (a Secret, a Deployment with probes and resources, a NodePort Service mapped to a host
 * port), and, for dependencies placed as docker containers, a selectorless Service plus an
 * EndpointSlice, so the service's manifests see the same `postgres.<namespace>.svc` either way.
 */
export type K8sObject = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } };

export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'ds-e2e-setup' };

export function namespaceObject(name: string): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ...MANAGED_BY } } };
}

export interface InClusterDependency {
  role: 'postgres' | 'redis';
  namespace: string;
  image: string;
  port: number;
  nodePort: number;
  /** Environment for the container; with secret values, kept in a Secret. */
  env: Record<string, string>;
  /** A command the readiness probe runs inside the container. */
  probe: string[];
}

export function inClusterDependency(d: InClusterDependency): K8sObject[] {
  const labels = { app: d.role, ...MANAGED_BY };
  const meta = (name: string) => ({ name, namespace: d.namespace, labels });
  const objects: K8sObject[] = [];
  const envNames = Object.keys(d.env);
  if (envNames.length > 0) {
    objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: meta(`${d.role}-env`), type: 'Opaque', stringData: d.env });
  }
  objects.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(d.role),
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: d.role } },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: d.role,
              image: d.image,
              // preloaded from the host's cache: the cluster never pulls it from a registry
              imagePullPolicy: 'IfNotPresent',
              ports: [{ containerPort: d.port }],
              ...(envNames.length > 0 ? { envFrom: [{ secretRef: { name: `${d.role}-env` } }] } : {}),
              readinessProbe: { exec: { command: d.probe }, periodSeconds: 1, failureThreshold: 120 },
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
            },
          ],
        },
      },
    },
  });
  objects.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(d.role),
    spec: { type: 'NodePort', selector: { app: d.role }, ports: [{ port: d.port, targetPort: d.port, nodePort: d.nodePort }] },
  });
  return objects;
}

/** The same in-cluster name for a container on the kind network. */
export function externalDependency(role: string, namespace: string, port: number, address: string): K8sObject[] {
  const labels = { app: role, ...MANAGED_BY };
  return [
    { apiVersion: 'v1', kind: 'Service', metadata: { name: role, namespace, labels }, spec: { ports: [{ name: role, port, targetPort: port, protocol: 'TCP' }] } },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${role}-container`, namespace, labels: { ...labels, 'kubernetes.io/service-name': role } },
      addressType: 'IPv4',
      ports: [{ name: role, port, protocol: 'TCP' }],
      endpoints: [{ addresses: [address], conditions: { ready: true } }],
    },
  ];
}

/** A strategic-merge patch that turns one port of the user's Service into a fixed NodePort. */
export function nodePortPatch(port: number, nodePort: number): string {
  return JSON.stringify({ spec: { type: 'NodePort', ports: [{ port, nodePort }] } });
}
