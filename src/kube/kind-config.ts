/**
 * The kind config for this leg: the node image, the workers, and an extraPortMapping on
 * loopback (127.0.0.1, or ::1 for an IPv6 cluster) for every NodePort that must be reached from the runner (exposed services, and
 * dependencies placed in the cluster). The user's `kindConfig` is merged in: its top-level keys
 * (networking, featureGates, kubeadm and containerd patches) are kept, and its nodes lend their
 * fields (mounts, labels, patches) to ours by role (control plane to control plane, worker to
 * worker), while the image and the port mappings the action needs are always kept.
 */
import { ownsNetwork, readKindConfigFile } from '../config/kind-file.js';

export interface PortMapping {
  /** The NodePort inside the node container. */
  containerPort: number;
  /** The reserved 127.0.0.1 port; none under act, where the job reaches the node by name. */
  hostPort?: number;
}

export interface KindConfigInput {
  nodeImage: string;
  workers: number;
  portMappings: PortMapping[];
  /** Path of the user's kind config, already checked when the environment file was loaded. */
  userConfig?: string;
  /** Where the port mappings listen: loopback of the cluster's IP family (`loopback`). */
  listenAddress: string;
  /** A reserved host port for the API server, unless the user's file names one. */
  apiServerPort?: number;
}

/** What the user's kind config says about networking that the setup must follow. */
export interface KindNetworking {
  /** `ipFamily: ipv6`: port mappings listen on ::1, containers are reached by their IPv6 address. */
  ipFamily: 'ipv4' | 'ipv6';
  /**
   * `disableDefaultCNI: true` or `kubeProxyMode: none`: the user installs the network, so nodes
   * are not Ready (and CoreDNS does not roll out) until their deploy does. Nothing waits for them.
   */
  ownNetwork: boolean;
}

export function kindNetworking(userConfig?: string): KindNetworking {
  const doc = userConfig ? readKindConfigFile(userConfig) : {};
  const networking = (doc.networking ?? {}) as Record<string, unknown>;
  return { ipFamily: networking.ipFamily === 'ipv6' ? 'ipv6' : 'ipv4', ownNetwork: ownsNetwork(doc) };
}

/** Where kind's port mappings listen on the host: loopback of the cluster's family. */
export function loopback(family: KindNetworking['ipFamily']): string {
  return family === 'ipv6' ? '::1' : '127.0.0.1';
}

type Node = Record<string, unknown> & { role?: string; extraPortMappings?: unknown[] };

/** kind's own default for a node with no role (v1alpha4 SetDefaultsNode: "control-plane"). */
const roleOf = (n: Node): string => n.role ?? 'control-plane';

export function kindConfig(input: KindConfigInput): Record<string, unknown> {
  const user = input.userConfig ? readKindConfigFile(input.userConfig) : {};
  const userNodes = (user.nodes as Node[] | undefined) ?? [];
  // The user's nodes lend their fields by role, never by position: the n-th control plane to the
  // n-th control plane, the n-th worker to the n-th worker. Extra ones of either role are kept.
  const planes = userNodes.filter((n) => roleOf(n) === 'control-plane');
  const workers = userNodes.filter((n) => roleOf(n) !== 'control-plane');
  const ours = input.portMappings
    .filter((m) => m.hostPort !== undefined)
    .map((m) => ({ containerPort: m.containerPort, hostPort: m.hostPort, listenAddress: input.listenAddress, protocol: 'TCP' }));
  const node = (theirs: Node | undefined, role: string, mappings: unknown[]): Node => {
    const all = [...((theirs?.extraPortMappings as unknown[]) ?? []), ...mappings];
    return { ...theirs, role, image: input.nodeImage, ...(all.length ? { extraPortMappings: all } : {}) };
  };
  const nodes = [
    // our host ports map to the first control plane, where kind's API server and NodePorts are
    ...Array.from({ length: Math.max(1, planes.length) }, (_, i) => node(planes[i], 'control-plane', i === 0 ? ours : [])),
    ...Array.from({ length: Math.max(input.workers, workers.length) }, (_, i) => node(workers[i], workers[i]?.role ?? 'worker', [])),
  ];
  // `name` comes from identity (kind's --name), never from the file, so legs cannot collide.
  const { nodes: _nodes, name: _name, ...top } = user;
  const networking = (top.networking ?? {}) as Record<string, unknown>;
  if (input.apiServerPort !== undefined && networking.apiServerPort === undefined) top.networking = { ...networking, apiServerPort: input.apiServerPort };
  return { ...top, kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4', nodes };
}
