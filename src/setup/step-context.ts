/**
 * What every step gets: the config, identity, services and the values filled in as tasks finish,
 * plus the helpers both kinds of step use to describe a dependency.
 */
import type { CacheStore } from '../cache/cache.js';
import type { Identity } from '../config/identity.js';
import type { Config } from '../config/normalize.js';
import { postgresPreset, redisPreset, type Preset } from '../deps/presets.js';
import type { Docker, Later } from '../docker/docker.js';
import { ensureImage } from '../docker/images.js';
import type { TaskContext } from '../engine/types.js';
import type { CacheStrategy } from '../docker/strategy.js';
import type { Dependency } from '../plan/plan.js';
import { platformKey, type Platform } from '../tools/platform.js';
import type { ClusterContext } from './cluster-steps.js';
import type { Outputs, Services, SetupOptions } from './context.js';
import type { Reach } from './reach.js';

export interface StepContext {
  config: Config;
  identity: Identity;
  options: SetupOptions;
  services: Services;
  outputs: Outputs;
  docker: Docker;
  cache: CacheStore;
  platform: Platform;
  /** Generated once per run, masked before anything could print it. */
  postgresPassword: string;
  /** Values for `${…}` placeholders in manifests, filled in as tasks finish (POSTGRES_HOST, IMAGE_X, …). */
  values: Record<string, string>;
  /** What an image reference is called on this host after ensureImage (a digest reference restored from the cache is a tag). */
  localRefs: Map<string, string>;
  /** The same names as the runner reaches them, for `migrateCommand`, which runs on the runner. */
  runnerValues: Record<string, string>;
  readyTimeoutMs: number;
  /** Detected once, on the first build that needs it. */
  buildStrategy: () => Promise<CacheStrategy>;
  /** Cache uploads nothing waits for: up() awaits them after the graph. */
  later: Later;
  /** Present when the environment has a cluster. */
  cluster?: ClusterContext;
  /** How the job reaches what this leg runs: the host's 127.0.0.1, or container names (act). */
  reach: Reach;
}

export function preset(dep: Dependency, ctx: StepContext): Preset {
  const image = localRef(ctx, ctx.config[dep]!.image);
  if (dep === 'redis') return redisPreset(image);
  const p = ctx.config.postgres!;
  return postgresPreset({ image, user: p.user, database: p.database, password: ctx.postgresPassword });
}

/** Makes sure an image is on the host (host, cache, pull) and remembers what it is called here. */
export async function ensureLocalImage(ctx: StepContext, ref: string, task: TaskContext): Promise<void> {
  const { source, localRef: local } = await ensureImage(ctx.docker, ref, {
    signal: task.signal,
    log: task.log,
    cache: ctx.cache,
    workspace: ctx.config.workspace,
    platform: platformKey(ctx.platform),
    later: ctx.later,
  });
  ctx.localRefs.set(ref, local);
  task.log.write(`${ref}: source ${source}${local !== ref ? `, used as ${local}` : ''}\n`);
}

export function localRef(ctx: StepContext, ref: string): string {
  return ctx.localRefs.get(ref) ?? ref;
}

/**
 * `runnerUrl` is what the job reaches (the outputs); `seen` is where the service's manifests
 * reach it (the placeholders): the same address without a cluster, the in-cluster name with one.
 */
export function publishDependency(dep: Dependency, ctx: StepContext, seen: { host: string; port: number }, runnerUrl?: string): void {
  Object.assign(ctx.values, dependencyValues(dep, ctx, seen));
  if (!runnerUrl) return;
  const at = new URL(runnerUrl);
  Object.assign(ctx.runnerValues, dependencyValues(dep, ctx, { host: at.hostname, port: Number(at.port) }));
  if (dep === 'postgres') ctx.outputs.postgresUrl = runnerUrl;
  else ctx.outputs.redisUrl = runnerUrl;
}

function dependencyValues(dep: Dependency, ctx: StepContext, at: { host: string; port: number }): Record<string, string> {
  const url = preset(dep, ctx).url(at.host, at.port);
  if (dep === 'redis') return { REDIS_HOST: at.host, REDIS_PORT: String(at.port), REDIS_URL: url };
  const pg = ctx.config.postgres!;
  return {
    POSTGRES_HOST: at.host,
    POSTGRES_PORT: String(at.port),
    POSTGRES_USER: pg.user,
    POSTGRES_DB: pg.database,
    POSTGRES_PASSWORD: ctx.postgresPassword,
    POSTGRES_URL: url,
  };
}

