/**
 * Binds each planned step to the module that performs it. This is the only place that knows
 * both the plan's vocabulary and the modules' APIs; each case stays a few lines.
 */
import { join } from 'node:path';
import { envKey, substitute } from '../config/placeholders.js';
import { startContainer } from '../deps/container.js';
import { buildImage } from '../docker/build.js';
import { contentTag } from '../docker/context-hash.js';
import type { TaskContext } from '../engine/types.js';
import { applyMigrations } from '../migrate/apply.js';
import { readMigrations } from '../migrate/goose.js';
import type { Step } from '../plan/plan.js';
import { platformKey } from '../tools/platform.js';
import { installKind, installKubectl } from '../tools/tools.js';
import { clusterStep } from './cluster-steps.js';
import { ensureLocalImage, preset, publishDependency, type StepContext } from './step-context.js';

export async function runStep(step: Step, ctx: StepContext, task: TaskContext): Promise<void> {
  const call = { signal: task.signal, log: task.log };
  switch (step.kind) {
    case 'install-tool': {
      const install = step.tool === 'kind' ? installKind : installKubectl;
      const o = ctx.options;
      const installed = await install(
        step.tool === 'kind' ? { version: o.kindVersion, urlTemplate: o.kindUrl } : { version: o.kubectlVersion, urlTemplate: o.kubectlUrl },
        { platform: ctx.platform, tempDir: join(ctx.identity.workDir, 'downloads'), ...call, warn: (m) => ctx.services.logger.warn(m) },
      );
      ctx.services.addPath(installed.dir);
      return;
    }
    case 'build-image': {
      const image = ctx.config.images[step.image];
      const tag = contentTag(step.image, image);
      // computed once, here, and used by everything after: the output, IMAGE_<NAME>, the manifests
      ctx.outputs.images[step.image] = tag.tag;
      ctx.values[`IMAGE_${envKey(step.image)}`] = tag.tag;
      task.log.write(`${step.image}: tag ${tag.tag} from ${tag.files} context files\n`);
      const source = await buildImage(ctx.docker, { name: step.image, image, tag }, {
        ...call,
        cache: ctx.cache,
        strategy: await ctx.buildStrategy(),
        workspace: ctx.config.workspace,
        diagnosticsDir: ctx.identity.diagnosticsDir,
        platform: platformKey(ctx.platform),
        later: ctx.later,
        mask: ctx.services.secrets.mask,
      });
      task.log.write(`image source: ${source}\n`);
      return;
    }
    case 'pull-image':
      return ensureLocalImage(ctx, ctx.config[step.dep]!.image, task);
    case 'start-dependency': {
      if (ctx.config[step.dep]!.placement === 'cluster') return clusterStep(step, ctx, task);
      const p = preset(step.dep, ctx);
      const name = ctx.identity.container(step.dep);
      const inContainer = ctx.reach.kind === 'container' ? ctx.reach : undefined;
      const started = await startContainer(ctx.docker, p, {
        name,
        labels: ctx.identity.labels,
        readyTimeoutMs: ctx.readyTimeoutMs,
        network: inContainer?.network,
        via: inContainer ? () => ({ host: name, port: p.port }) : undefined,
        ...call,
      });
      // With a cluster, link-dependency gives it its in-cluster name; without, the runner's address is the only one.
      publishDependency(step.dep, ctx, { host: '127.0.0.1', port: started.hostPort }, started.url);
      return;
    }
    case 'migrate':
      return migrate(ctx, task);
    default:
      return clusterStep(step, ctx, task);
  }
}

async function migrate(ctx: StepContext, task: TaskContext): Promise<void> {
  const p = ctx.config.postgres!;
  const url = ctx.outputs.postgresUrl!;
  if (p.migrations) {
    const r = await applyMigrations(url, readMigrations(p.migrations), { log: task.log, signal: task.signal });
    task.log.write(`migrations: ${r.applied.length} applied, ${r.skipped.length} already applied\n`);
    return;
  }
  // on the runner: the addresses it reaches, never the in-cluster names
  const [cmd, ...args] = p.migrateCommand!.map((a) => substitute(a, { ...ctx.values, ...ctx.runnerValues }));
  await ctx.services.runner.run(cmd, args, {
    cwd: ctx.config.workspace,
    env: { POSTGRES_URL: url },
    signal: task.signal,
    log: task.log,
  });
}
