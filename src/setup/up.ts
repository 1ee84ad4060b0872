/**
 * The core of `main` and `ds-e2e-setup up`: plan the graph for this config, bind each step to
 * the code that performs it, run it, and hand back the outputs and the variables to export.
 */
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Config } from '../config/normalize.js';
import type { Identity } from '../config/identity.js';
import { envKey } from '../config/placeholders.js';
import { Docker } from '../docker/docker.js';
import { runGraph } from '../engine/engine.js';
import { TaskLog } from '../engine/task-log.js';
import type { EngineEvents, GraphResult } from '../engine/types.js';
import { planTasks, type PlannedTask } from '../plan/plan.js';
import type { SetupOptions } from '../config/inputs.js';
import type { Prepared } from './prepare.js';
import type { Outputs, Services } from './context.js';
import { bindTasks, resultsOfKind } from './steps/index.js';
import { describeSnapshot } from './steps/snapshot.js';
import type { ClusterContext, StepContext } from './step-context.js';
import { ActionsCacheStore, NO_CACHE, TolerantCache, type CacheStore } from '../cache/cache.js';
import { generatePassword } from '../deps/presets.js';
import { currentPlatform } from '../tools/platform.js';
import { chooseStrategy, detectBuildFacts } from '../docker/strategy.js';
import { detectEngine } from '../docker/engine.js';
import { reservePorts } from '../host/ports.js';
import { Kind } from '../kube/kind.js';
import { Helm } from '../kube/helm.js';
import { Kubectl } from '../kube/kubectl.js';
import { NODE_PORTS } from '../kube/node-ports.js';
import { kindNetworking } from '../kube/kind-config.js';
import { detectReach, type Reach } from './reach.js';
import { writeDiagnostics } from './diagnostics.js';
import { RecordingCache, type CacheEvent } from '../cache/recording.js';

export interface UpResult {
  result: GraphResult;
  /** What each cache call found, for the summary. */
  cache: CacheEvent[];
  outputs: Outputs;
  /** Variables for later steps: KUBECONFIG, POSTGRES_URL, REDIS_URL, <NAME>_URL, IMAGE_<NAME>. */
  env: Record<string, string>;
}

/** How long a dependency may take to answer its protocol check. */
const READY_TIMEOUT_MS = 120_000;

/** Builds share the cores: half of them each, at least one. */
export function buildSlots(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

export async function up(
  prepared: Pick<Prepared, 'config' | 'identity' | 'migrations'>,
  options: SetupOptions,
  services: Services,
  hooks: {
    events?: EngineEvents;
    signal?: AbortSignal;
    /** The same tasks under other needs (only ever more): the seed bench runs them in the seed's own orders. */
    reshape?: (planned: PlannedTask[]) => PlannedTask[];
  } = {},
): Promise<UpResult> {
  const { config, identity, migrations } = prepared;
  for (const w of config.warnings) services.logger.warn(w);
  mkdirSync(identity.diagnosticsDir, { recursive: true, mode: 0o700 });
  const postgresPassword = generatePassword();
  services.secrets.add(postgresPassword);
  const docker = new Docker(services.runner, detectEngine(config.cluster?.provider));
  const background: Promise<void>[] = [];
  const cache = new RecordingCache(options.cache ? await defaultCache(services) : NO_CACHE);
  const reach = await detectReach(process.env, docker, identity, services.logger);
  const cluster = config.cluster ? await clusterContext(config, config.cluster.provider, identity, services, reach) : undefined;
  const ctx: StepContext = {
    cluster,
    reach,
    config,
    identity,
    options,
    services,
    docker,
    cache,
    platform: currentPlatform(),
    postgresPassword,
    migrations,
    readyTimeoutMs: READY_TIMEOUT_MS,
    buildStrategy: once(async () => {
      const strategy = chooseStrategy(await detectBuildFacts(docker, process.env, cache.enabled));
      services.logger.info(`layer cache for builds: ${strategy.kind} (${strategy.why})`);
      return strategy;
    }),
    later: (label, work) => {
      const log = new TaskLog(services.secrets.mask);
      background.push(
        work(log).then(
          () => services.logger.info(log.text().trimEnd() || `${label}: done`),
          (e: Error) => services.logger.warn(`${label} failed, carrying on: ${e.message}`),
        ),
      );
    },
  };
  const planned = hooks.reshape ? hooks.reshape(planTasks(config)) : planTasks(config);
  const result = await runGraph(bindTasks(planned, ctx), {
    slots: { build: buildSlots() },
    deadlineMs: options.timeoutMinutes ? options.timeoutMinutes * 60_000 : undefined,
    mask: services.secrets.mask,
    events: hooks.events,
    signal: hooks.signal,
  });
  if (background.length > 0) {
    services.logger.info(`waiting for ${background.length} cache save(s) that nothing in the graph waited for`);
    await Promise.all(background);
  }
  if (!result.ok) {
    // Evidence first: the error propagates only after the logs are on disk, and nothing is retried.
    // the charts' own evidence once the deploy has started: helm status and the rendered manifest
    const deployed = result.timings.some((t) => t.task === 'deploy' && t.start !== undefined);
    const releases = deployed ? (config.deploy?.helm ?? []) : [];
    const helm = releases.length > 0 ? { client: new Helm(services.runner, identity.kubeconfig), releases } : undefined;
    const evidence = cluster && { kind: cluster.kind, kubectl: cluster.kubectl, namespace: config.namespace, helm };
    await writeDiagnostics({ docker, labels: identity.labels, dir: identity.diagnosticsDir, cluster: evidence }, services);
  }
  const outputs = gatherOutputs(config, identity, planned, result.results);
  return { result, cache: cache.events, outputs, env: exportedEnv(outputs) };
}

/** The outputs, from what each task returned; a task that did not finish adds nothing. */
function gatherOutputs(config: Config, identity: Identity, planned: readonly PlannedTask[], results: ReadonlyMap<string, unknown>): Outputs {
  const outputs: Outputs = {
    clusterName: config.cluster ? identity.clusterName : undefined,
    kubeconfig: config.cluster ? identity.kubeconfig : undefined,
    namespace: config.namespace,
    endpoints: {},
    images: {},
    diagnosticsDir: identity.diagnosticsDir,
    preflight: resultsOfKind(planned, results, 'preflight').flatMap((r) => r.findings),
  };
  for (const b of resultsOfKind(planned, results, 'build-image')) outputs.images[b.name] = b.tag;
  for (const d of [...resultsOfKind(planned, results, 'start-container'), ...resultsOfKind(planned, results, 'start-in-cluster')]) {
    if (d.role === 'postgres') outputs.postgresUrl = d.url;
    else outputs.redisUrl = d.url;
    if (d.snapshot) outputs.postgresSnapshot = describeSnapshot(d.snapshot);
  }
  for (const c of resultsOfKind(planned, results, 'create-cluster')) if (c.retried) outputs.clusterRetry = c.retried;
  for (const r of resultsOfKind(planned, results, 'ready')) Object.assign(outputs.endpoints, r.endpoints);
  outputs.serviceUrl = Object.values(outputs.endpoints)[0];
  // every address the job can reach: the exposed services, then the dependencies
  if (outputs.postgresUrl) outputs.endpoints.postgres = outputs.postgresUrl;
  if (outputs.redisUrl) outputs.endpoints.redis = outputs.redisUrl;
  return outputs;
}

/** NodePorts the action owns (kube/node-ports.ts), each mapped to a reserved host port by kind's extraPortMappings. */
async function clusterContext(config: Config, provider: 'docker' | 'podman', identity: Identity, services: Services, reach: Reach): Promise<ClusterContext> {
  const wanted: [string, number][] = [];
  for (const dep of ['postgres', 'redis'] as const) if (config[dep]?.placement === 'cluster') wanted.push([dep, NODE_PORTS[dep]]);
  Object.keys(config.deploy?.expose ?? {}).forEach((name, i) => wanted.push([`expose:${name}`, NODE_PORTS.expose + i]));
  // Under act the job reaches NodePorts on the node by name, and this process's view of free
  // ports is its own container's: no host port is mapped, so none can collide.
  // One more for kind's API server: left to kind, it picks a free port of its own, which can be
  // one another leg has reserved and its docker not yet bound.
  const hostPorts = reach.kind === 'host' ? await reservePorts(wanted.length + 1, identity.clusterName) : [];
  return {
    kind: new Kind(services.runner, identity.clusterName, provider, identity.kubeconfig),
    kubectl: new Kubectl(services.runner, identity.kubeconfig),
    ports: new Map(wanted.map(([key, nodePort], i) => [key, { containerPort: nodePort, hostPort: hostPorts[i] }])),
    apiServerPort: hostPorts[wanted.length],
    // kind's providers each read their own variable (kind v0.32.0: providers/docker and providers/podman)
    network: (provider === 'podman' ? process.env.KIND_EXPERIMENTAL_PODMAN_NETWORK : process.env.KIND_EXPERIMENTAL_DOCKER_NETWORK) || 'kind',
    networking: kindNetworking(config.cluster?.kindConfig),
  };
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
}

/** The Actions cache when the runner offers one (GitHub, GHES, act), faults turned into warnings. */
async function defaultCache(services: Services): Promise<CacheStore> {
  return (await ActionsCacheStore.available()) ? new TolerantCache(new ActionsCacheStore(), services.logger) : NO_CACHE;
}

export function exportedEnv(o: Outputs): Record<string, string> {
  const env: Record<string, string> = {};
  if (o.kubeconfig) env.KUBECONFIG = o.kubeconfig;
  // POSTGRES_URL and REDIS_URL too: the endpoints hold the dependencies (gatherOutputs)
  for (const [name, url] of Object.entries(o.endpoints)) env[`${envKey(name)}_URL`] = url;
  // all of them in one variable, as the `endpoints` output, for tests that read a map
  if (Object.keys(o.endpoints).length > 0) env.E2E_ENDPOINTS = JSON.stringify(o.endpoints);
  for (const [name, tag] of Object.entries(o.images)) env[`IMAGE_${envKey(name)}`] = tag;
  return env;
}
