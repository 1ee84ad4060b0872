/**
 * The steps that need a cluster: create it, the namespace, image loads, dependencies in the
 * cluster or linked into it, the deploy and the waits. Each case is a few calls into `kube/`.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { substitute } from '../config/placeholders.js';
import { waitUntilReady } from '../deps/readiness.js';
import type { TaskContext } from '../engine/types.js';
import { waitForHttp } from '../kube/health.js';
import { kindConfig, type PortMapping } from '../kube/kind-config.js';
import type { Kind } from '../kube/kind.js';
import type { Kubectl } from '../kube/kubectl.js';
import { externalDependency, inClusterDependency, namespaceObject, nodePortPatch } from '../kube/manifests.js';
import type { Dependency, Step } from '../plan/plan.js';
import { nodeImageFor } from '../tools/releases.js';
import { kindVersion } from '../tools/tools.js';
import { ensureLocalImage, localRef, preset, publishDependency, type StepContext } from './step-context.js';

export interface ClusterContext {
  kind: Kind;
  kubectl: Kubectl;
  /** Host ports reserved for this leg, by what they reach: `postgres`, `redis`, `expose:<name>`. */
  ports: Map<string, PortMapping>;
  /** The docker network kind puts its nodes on. */
  network: string;
}

const ROLLOUT_SECONDS = 300;
const PROBES: Record<Dependency, (ctx: StepContext) => string[]> = {
  postgres: (ctx) => ['pg_isready', '--username', ctx.config.postgres!.user, '--dbname', ctx.config.postgres!.database],
  redis: () => ['redis-cli', 'ping'],
};

/** A NodePort as the job reaches it: the reserved host port, or under act the node container itself. */
function nodeAddress(ctx: StepContext, m: PortMapping): { host: string; port: number } {
  return ctx.reach.kind === 'container' ? { host: `${ctx.identity.clusterName}-control-plane`, port: m.containerPort } : { host: '127.0.0.1', port: m.hostPort! };
}

function nodeImage(ctx: StepContext): string {
  const cluster = ctx.config.cluster!;
  return nodeImageFor(kindVersion({ version: ctx.options.kindVersion }), cluster.kubernetes, cluster.nodeImage);
}

export async function clusterStep(step: Step, ctx: StepContext, task: TaskContext): Promise<void> {
  const c = ctx.cluster;
  if (!c) throw new Error(`step "${step.kind}" needs a cluster, and this environment has none`);
  const call = { signal: task.signal, log: task.log };
  const ns = ctx.config.namespace;
  switch (step.kind) {
    case 'pull-node-image': {
      // kind would pull it itself; pulled here it comes from the host or the cache, keyed by its
      // reference, so legs on one Kubernetes version share it and other versions do not.
      return ensureLocalImage(ctx, nodeImage(ctx), task);
    }
    case 'create-cluster': {
      mkdirSync(ctx.identity.workDir, { recursive: true, mode: 0o700 });
      if (await c.kind.exists(call)) {
        task.log.write(`a cluster named ${ctx.identity.clusterName} exists already: replacing it\n`);
        await c.kind.delete(call);
      }
      const cluster = ctx.config.cluster!;
      const config = kindConfig({
        nodeImage: localRef(ctx, nodeImage(ctx)),
        workers: cluster.workers,
        portMappings: [...c.ports.values()],
        userConfig: cluster.kindConfig,
      });
      await c.kind.create(config, { config: join(ctx.identity.workDir, 'kind.yaml'), kubeconfig: ctx.identity.kubeconfig }, 120, call);
      if (ctx.reach.kind === 'container') {
        // act: the job container joins kind's network and talks to the API server by its node name
        await ctx.docker.connectNetwork(c.network, ctx.reach.job, call);
        writeFileSync(ctx.identity.kubeconfig, await c.kind.internalKubeconfig(call));
      }
      chmodSync(ctx.identity.kubeconfig, 0o600);
      await c.kubectl.nodesReady(120, call);
      await c.kubectl.rolloutStatus('kube-system', 'deployment/coredns', 120, call);
      return;
    }
    case 'create-namespace':
      return c.kubectl.apply([namespaceObject(ns)], call);
    case 'load-image':
      return c.kind.loadImage(ctx.outputs.images[step.image], call);
    case 'preload-image':
      return c.kind.loadImage(localRef(ctx, ctx.config[step.dep]!.image), call);
    case 'start-dependency': {
      const p = preset(step.dep, ctx);
      const mapping = c.ports.get(step.dep)!;
      await c.kubectl.apply(
        inClusterDependency({ role: step.dep, namespace: ns, image: p.image, port: p.port, nodePort: mapping.containerPort, env: p.env, probe: PROBES[step.dep](ctx) }),
        call,
      );
      await c.kubectl.rolloutStatus(ns, `deployment/${step.dep}`, ROLLOUT_SECONDS, call);
      // the rollout says the probe passed inside; this says the runner reaches it through its port
      const at = nodeAddress(ctx, mapping);
      await waitUntilReady(`${step.dep} through ${at.host}:${at.port}`, () => p.probe(at.host, at.port), {
        timeoutMs: ctx.readyTimeoutMs,
        signal: task.signal,
      });
      publishDependency(step.dep, ctx, { host: `${step.dep}.${ns}.svc`, port: p.port }, p.url(at.host, at.port));
      return;
    }
    case 'link-dependency': {
      const p = preset(step.dep, ctx);
      const container = ctx.identity.container(step.dep);
      await ctx.docker.connectNetwork(c.network, container, call);
      const address = await ctx.docker.addressOn(container, c.network, call);
      await c.kubectl.apply(externalDependency(step.dep, ns, p.port, address), call);
      publishDependency(step.dep, ctx, { host: `${step.dep}.${ns}.svc`, port: p.port });
      return;
    }
    case 'deploy': {
      const rendered = ctx.config.deploy!.manifests.map((file) => substitute(readFileSync(file, 'utf8'), ctx.values));
      await c.kubectl.apply(rendered.join('\n---\n'), call);
      for (const [name, e] of Object.entries(ctx.config.deploy!.expose)) {
        await c.kubectl.patchService(ns, e.service, nodePortPatch(e.port, c.ports.get(`expose:${name}`)!.containerPort), call);
      }
      return;
    }
    case 'ready': {
      for (const target of ctx.config.deploy!.wait) await c.kubectl.rolloutStatus(ns, target, ROLLOUT_SECONDS, call);
      for (const [name, e] of Object.entries(ctx.config.deploy!.expose)) {
        const at = nodeAddress(ctx, c.ports.get(`expose:${name}`)!);
        const url = `http://${at.host}:${at.port}`;
        const ms = await waitForHttp(`${url}${e.health ?? '/'}`, { timeoutMs: ROLLOUT_SECONDS * 1000, signal: task.signal });
        task.log.write(`${name}: ${url}${e.health ?? '/'} answered 2xx after ${ms} ms\n`);
        ctx.outputs.endpoints[name] = url;
        ctx.outputs.serviceUrl ??= url;
      }
      return;
    }
    default:
      throw new Error(`step "${step.kind}" is not a cluster step`);
  }
}
