/**
 * The kind cluster: a leftover of the same name is replaced, the config is generated with this
 * leg's port mappings and the user's kindConfig merged in, and the step ends as soon as `kind
 * create` returns, when the API server answers (no --wait: nodes-ready waits for the nodes beside
 * the rest of the graph). Under act the kubeconfig points at the node by name.
 *
 * One failure is retried, once: the control plane not ready in time (kind.ts,
 * isControlPlaneTimeout), which kind's CI users meet most and which a second attempt usually
 * survives. The evidence is written first (`kind export logs`, each node's log and `docker inspect`, into
 * diagnostics-dir/create-attempt-1), then the cluster is deleted and created again from the same
 * config, with the node image already on the host. Any other failure fails the step.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage, withCause } from '../../core/errors.js';
import { CommandError } from '../../exec/runner.js';
import { writeContainerDiagnostics } from '../../docker/diagnostics.js';
import { writeKindLogs } from '../../kube/diagnostics.js';
import { kindConfig, loopback } from '../../kube/kind-config.js';
import { isControlPlaneTimeout, KIND_CLUSTER_LABEL } from '../../kube/kind.js';
import type { StepContext } from '../step-context.js';
import { clusterOf, present, type StepAction } from './step.js';


export const createCluster: StepAction<'create-cluster'> = {
  kind: 'create-cluster',
  async run(input, ctx, task) {
    const c = clusterOf(ctx);
    const cluster = present(ctx.config.cluster, 'the cluster');
    const node = task.need('pull-node-image', input.fromNodeImage);
    const call = { signal: task.signal, log: task.log };
    const { clusterName, kubeconfig, workDir } = ctx.identity;
    mkdirSync(workDir, { recursive: true, mode: 0o700 });
    const replaced = await c.kind.exists(call);
    if (replaced) {
      task.log.write(`a cluster named ${clusterName} exists already: replacing it\n`);
      await c.kind.delete(call);
    }
    const config = kindConfig({
      nodeImage: node.localRef,
      workers: cluster.workers,
      portMappings: [...c.ports.values()],
      userConfig: cluster.kindConfig,
      listenAddress: loopback(c.networking.ipFamily),
      apiServerPort: c.apiServerPort,
    });
    const files = { config: join(workDir, 'kind.yaml'), kubeconfig };
    let retried: string | undefined;
    try {
      await c.kind.create(config, files, call);
    } catch (err) {
      if (!(err instanceof CommandError && isControlPlaneTimeout(err.stderr))) throw err;
      // the evidence is best effort: failing to write it must not hide the failure or stop the retry
      const evidence = await firstAttemptEvidence(ctx).catch((e: unknown) => `not written: ${errorMessage(e)}`);
      retried = `the control plane was not ready in time (kubeadm's wait-control-plane phase); evidence in ${evidence}`;
      task.log.write(`kind create failed: ${retried}; deleting the cluster and creating it once more\n`);
      ctx.services.logger.warn(`cluster creation retried once: ${retried}`);
      await c.kind.delete(call);
      if (await c.kind.exists(call)) throw withCause(`${errorMessage(err)}\nkind could not delete the failed cluster, so it was not created again`, err);
      await c.kind.create(config, files, call);
    }
    if (ctx.reach.kind === 'container') {
      // act: the job container joins kind's network and talks to the API server by its node name
      await ctx.docker.connectNetwork(c.network, ctx.reach.job, call);
      writeFileSync(kubeconfig, await c.kind.internalKubeconfig(call));
    }
    chmodSync(kubeconfig, 0o600);
    return { clusterName, kubeconfig, replaced, ...(retried ? { retried } : {}) };
  },
};

/**
 * kind's logs and each node's log and `docker inspect`, before the failed cluster is deleted,
 * written as every other diagnostic is (masked, secret variables redacted); returns the folder.
 */
async function firstAttemptEvidence(ctx: StepContext): Promise<string> {
  const dir = join(ctx.identity.diagnosticsDir, 'create-attempt-1');
  const mask = ctx.services.secrets.mask;
  await writeKindLogs(clusterOf(ctx).kind, dir, mask);
  await writeContainerDiagnostics(ctx.docker, { [KIND_CLUSTER_LABEL]: ctx.identity.clusterName }, dir, mask);
  return dir;
}
