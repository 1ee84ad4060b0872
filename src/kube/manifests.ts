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
  /** Data kept in RAM: an emptyDir of medium Memory at `mount`, with `env` pointing the image into it. */
  memoryData?: { mount: string; env: Record<string, string> };
}

/**
 * Files written to an emptyDir of medium Memory count against the memory limit of the container
 * that wrote them (Kubernetes docs, Storage > Volumes > emptyDir), so the limit grows by the
 * data's room.
 */
const MEMORY_LIMIT = '512Mi';
const MEMORY_LIMIT_WITH_DATA = '1536Mi';

export function inClusterDependency(d: InClusterDependency): K8sObject[] {
  const labels = { app: d.role, ...MANAGED_BY };
  const meta = (name: string) => ({ name, namespace: d.namespace, labels });
  const objects: K8sObject[] = [];
  const env = { ...d.env, ...d.memoryData?.env };
  const envNames = Object.keys(env);
  if (envNames.length > 0) {
    objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: meta(`${d.role}-env`), type: 'Opaque', stringData: env });
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
              // preloaded onto the nodes: the cluster never pulls it, and a miss fails at once
              // (ErrImageNeverPull) instead of as a pull that ends in ImagePullBackOff
              imagePullPolicy: 'Never',
              ports: [{ containerPort: d.port }],
              ...(envNames.length > 0 ? { envFrom: [{ secretRef: { name: `${d.role}-env` } }] } : {}),
              readinessProbe: { exec: { command: d.probe }, periodSeconds: 1, failureThreshold: 120 },
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: d.memoryData ? MEMORY_LIMIT_WITH_DATA : MEMORY_LIMIT } },
              ...(d.memoryData ? { volumeMounts: [{ name: 'data', mountPath: d.memoryData.mount }] } : {}),
            },
          ],
          ...(d.memoryData ? { volumes: [{ name: 'data', emptyDir: { medium: 'Memory' } }] } : {}),
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

/** The same in-cluster name for a container on the kind network (an IPv6 address in an IPv6 cluster). */
export function externalDependency(role: string, namespace: string, port: number, address: string): K8sObject[] {
  const labels = { app: role, ...MANAGED_BY };
  return [
    { apiVersion: 'v1', kind: 'Service', metadata: { name: role, namespace, labels }, spec: { ports: [{ name: role, port, targetPort: port, protocol: 'TCP' }] } },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${role}-container`, namespace, labels: { ...labels, 'kubernetes.io/service-name': role } },
      addressType: address.includes(':') ? 'IPv6' : 'IPv4',
      ports: [{ name: role, port, protocol: 'TCP' }],
      endpoints: [{ addresses: [address], conditions: { ready: true } }],
    },
  ];
}

/**
 * A strategic-merge patch that turns one port of the user's Service into a fixed NodePort. The
 * Service's ports merge by their `port` (ServiceSpec.Ports: patchMergeKey "port"), so `port` must
 * be one the Service has: then its name, protocol and targetPort stay, and so do its other ports.
 *
 * externalTrafficPolicy is set to Cluster: kind maps the host port to the control-plane node
 * only, and with `Local` a node answers a NodePort only for pods on itself, which with workers
 * are elsewhere (kube-proxy drops the rest). Tests lose the client's source address, nothing else.
 */
export function nodePortPatch(port: number, nodePort: number): string {
  return JSON.stringify({ spec: { type: 'NodePort', externalTrafficPolicy: 'Cluster', ports: [{ port, nodePort }] } });
}

interface ServicePort {
  name?: string;
  port: number;
}

/** The Service named `service` in `namespace` (where an object that names none is applied), if the objects hold it. */
export function findService(objects: unknown[], service: string, namespace: string): K8sObject | undefined {
  return objects.find((o): o is K8sObject => {
    const k = o as Partial<K8sObject> | null;
    return k?.kind === 'Service' && k.metadata?.name === service && (k.metadata.namespace ?? namespace) === namespace;
  });
}

/**
 * The `port` of the Service named `service` in the rendered manifests that `wanted` names, by
 * number (spec.ports[].port) or by name. Anything else is an error naming the Service and its ports.
 */
export function servicePort(objects: unknown[], service: string, namespace: string, wanted: number | string): number {
  const found = findService(objects, service, namespace);
  if (!found) throw new Error(`Service "${service}" is not in the manifests (namespace ${namespace}): expose needs it there`);
  // The API server refuses a headless NodePort (pkg/apis/core/validation ValidateService: "may not be
  // set to 'None' for NodePort services"), but only once everything else is applied; an
  // ExternalName Service selects no pods. Both are said here, before anything is applied.
  const spec = (found.spec ?? {}) as { clusterIP?: string; type?: string };
  if (spec.clusterIP === 'None') {
    throw new Error(`Service "${service}" is headless (clusterIP: None), which cannot become a NodePort: expose a Service with a cluster IP (a second Service with the same selector will do)`);
  }
  if (spec.type === 'ExternalName') throw new Error(`Service "${service}" is an ExternalName Service, which has no pods to reach: expose a Service that selects the pods`);
  const ports = ((found.spec as { ports?: ServicePort[] } | undefined)?.ports ?? []).filter((p) => typeof p?.port === 'number');
  const match = ports.find((p) => (typeof wanted === 'number' ? p.port === wanted : p.name === wanted));
  if (!match) {
    const has = ports.map((p) => (p.name ? `${p.port} (${p.name})` : String(p.port))).join(', ') || 'none';
    throw new Error(`Service "${service}" has no port ${typeof wanted === 'number' ? wanted : `named "${wanted}"`}; its ports are: ${has}. expose.port names one of them, by number (not the targetPort) or by name`);
  }
  return match.port;
}
