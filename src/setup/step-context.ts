/**
 * What every step action is handed: the run's fixed facts and services, read-only. Tasks never
 * hand each other data through it; a step reads another's result through `StepTask.need`.
 */
import type { CacheStore } from '../cache/cache.js';
import type { Identity } from '../config/identity.js';
import type { SetupOptions } from '../config/inputs.js';
import type { Config } from '../config/normalize.js';
import type { Later } from '../core/log.js';
import type { Docker } from '../docker/docker.js';
import type { CacheStrategy } from '../docker/strategy.js';
import { loopback, type KindNetworking, type PortMapping } from '../kube/kind-config.js';
import type { Kind } from '../kube/kind.js';
import type { Kubectl } from '../kube/kubectl.js';
import type { MigrationSet } from '../migrate/types.js';
import type { Platform } from '../tools/platform.js';
import type { Services } from './context.js';
import type { Reach } from './reach.js';

export interface ClusterContext {
  readonly kind: Kind;
  readonly kubectl: Kubectl;
  /** Host ports reserved for this leg, by what they reach: `postgres`, `redis`, `expose:<name>`. */
  readonly ports: ReadonlyMap<string, PortMapping>;
  /** The reserved host port for kind's API server (networking.apiServerPort), where the job reaches it on loopback. */
  readonly apiServerPort?: number;
  /** The docker (or podman) network kind puts its nodes on. */
  readonly network: string;
  /** The user's kind config's networking: the IP family, and whether they install the network themselves. */
  readonly networking: KindNetworking;
}

export interface StepContext {
  readonly config: Config;
  readonly identity: Identity;
  readonly options: SetupOptions;
  readonly services: Services;
  readonly docker: Docker;
  readonly cache: CacheStore;
  readonly platform: Platform;
  /** Generated once per run, masked before anything could print it. */
  readonly postgresPassword: string;
  /** The migrations folder, read once with its tool's rules when the run was prepared. */
  readonly migrations?: MigrationSet;
  /** How long a dependency may take to answer its protocol check. */
  readonly readyTimeoutMs: number;
  /** Detected once, on the first build that needs it. */
  readonly buildStrategy: () => Promise<CacheStrategy>;
  /** Cache uploads nothing waits for: up() awaits them after the graph. */
  readonly later: Later;
  /** Present when the environment has a cluster. */
  readonly cluster?: ClusterContext;
  /** How the job reaches what this leg runs: the host's 127.0.0.1, or container names (act). */
  readonly reach: Reach;
}

/** How long a rollout (the action's own dependencies, or the service's `wait:`) may take. */
export const ROLLOUT_SECONDS = 300;

/**
 * Where PostgreSQL keeps its data as a container (`placement: docker`) on this engine: on disk
 * where the engine cannot make a RAM-backed volume (`Docker.memoryVolumes`), and the task's log
 * says so when a log is given.
 */
export function postgresStorage(ctx: Pick<StepContext, 'config' | 'docker'>, log?: { write(text: string): void }): 'memory' | 'disk' | undefined {
  const storage = ctx.config.postgres?.storage;
  if (storage !== 'memory' || ctx.docker.memoryVolumes) return storage;
  log?.write(`postgres: the data stays on disk with ${ctx.docker.engine} (its RAM-backed volume is made for docker only)\n`);
  return 'disk';
}

/** The placeholders every manifest and command may use, known before any task runs. */
export function staticValues(ctx: Pick<StepContext, 'config' | 'identity'>): Record<string, string> {
  return { NAMESPACE: ctx.config.namespace, CLUSTER_NAME: ctx.identity.clusterName };
}

/** A NodePort as the job reaches it: the reserved host port on loopback, or under act the node container itself. */
export function nodeAddress(ctx: Pick<StepContext, 'reach' | 'identity'>, cluster: ClusterContext, m: PortMapping): { host: string; port: number } {
  if (ctx.reach.kind === 'container') return { host: `${ctx.identity.clusterName}-control-plane`, port: m.containerPort };
  if (m.hostPort === undefined) throw new Error(`NodePort ${m.containerPort} has no reserved host port`);
  return { host: loopback(cluster.networking.ipFamily), port: m.hostPort };
}

/** The port mapping reserved for `key` (`postgres`, `redis`, `expose:<name>`). */
export function portFor(cluster: ClusterContext, key: string): PortMapping {
  const m = cluster.ports.get(key);
  if (!m) throw new Error(`no NodePort was reserved for ${key}`);
  return m;
}
