/**
 * kind, kubectl or helm: from the tool-cache, else downloaded and verified; then put on PATH.
 * kubectl follows the node's Kubernetes version unless kubectl-version is set: Kubernetes
 * supports a client within one minor of the API server, and the same version is always inside.
 */
import { join } from 'node:path';
import { installHelm, installKind, installKubectl } from '../../tools/tools.js';
import type { StepAction } from './step.js';

export const installTool: StepAction<'install-tool'> = {
  kind: 'install-tool',
  async run(input, ctx, task) {
    const o = ctx.options;
    const context = { platform: ctx.platform, tempDir: join(ctx.identity.workDir, 'downloads'), signal: task.signal, log: task.log };
    const installed =
      input.tool === 'kind'
        ? await installKind({ version: o.kindVersion, urlTemplate: o.kindUrl }, context)
        : input.tool === 'helm'
          ? await installHelm({ version: o.helmVersion, urlTemplate: o.helmUrl }, context)
          : await installKubectl({ version: o.kubectlVersion ?? ctx.config.cluster?.kubernetes, urlTemplate: o.kubectlUrl }, { ...context, warn: (m) => ctx.services.logger.warn(m) });
    ctx.services.addPath(installed.dir);
    return { tool: input.tool, version: installed.version, dir: installed.dir, cached: installed.cached };
  },
};
