/**
 * An image onto every node of the cluster: saved for the node's platform by the engine that holds
 * it (docker or podman), then `kind load image-archive`. See Kind.loadArchive for why not
 * `kind load docker-image`. An archive that holds a whole index with absent platforms (Docker's
 * containerd store before Docker 28, Docker.savePlatform) is imported into each node for the one
 * platform instead, as kind's own loader would but without --all-platforms, which such an
 * archive fails.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { shortHash } from '../../config/identity.js';
import type { StepContext } from '../step-context.js';
import { clusterOf, type StepTask } from './step.js';

export async function loadOntoNodes(ref: string, ctx: StepContext, task: StepTask): Promise<void> {
  const c = clusterOf(ctx);
  const dir = join(ctx.identity.workDir, 'images');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${shortHash(ref, 16)}.tar`);
  const call = { signal: task.signal, log: task.log };
  const platform = `linux/${ctx.platform.arch}`;
  try {
    const mode = await ctx.docker.savePlatform(ref, file, platform, call);
    if (mode !== 'index') return await c.kind.loadArchive(file, call);
    // on the node's disk (/var is a volume), not its /tmp, which is RAM
    const inNode = `/var/ds-e2e-${shortHash(ref, 16)}.tar`;
    for (const node of await c.kind.nodes(call)) {
      await ctx.docker.copyIn(file, node, inNode, call);
      try {
        // the flags of kind's image loader (nodeutils.LoadImageArchive), one platform instead of all;
        // --no-unpack as kind's node image build imports: the CRI unpacks with its own snapshotter
        await ctx.docker.exec(node, ['ctr', '--namespace=k8s.io', 'images', 'import', `--platform=${platform}`, '--digests', '--no-unpack', inNode], call);
      } finally {
        await ctx.docker.exec(node, ['rm', '-f', inNode], { ...call, allowFailure: true });
      }
    }
  } finally {
    rmSync(file, { force: true });
  }
}
