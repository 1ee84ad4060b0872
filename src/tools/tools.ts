/** kind, kubectl and helm: the pinned defaults and the URL templates applied to the generic install. */
import { installTool, type InstallContext, type Installed } from './install.js';
import {
  DEFAULT_HELM_URL,
  DEFAULT_HELM_VERSION,
  HELM_SHA256,
  DEFAULT_KIND_URL,
  DEFAULT_KIND_VERSION,
  DEFAULT_KUBECTL_URL,
  DEFAULT_KUBECTL_VERSION,
  KIND_RELEASES,
  KUBECTL_SHA256,
} from './releases.js';
import { platformKey } from './platform.js';
import { exactVersion, resolveKubectlVersion } from './versions.js';

export interface ToolOptions {
  version?: string;
  urlTemplate?: string;
}

export function kindVersion(o: ToolOptions): string {
  return exactVersion(o.version ?? DEFAULT_KIND_VERSION, 'kind-version');
}

export function installKind(o: ToolOptions, ctx: InstallContext): Promise<Installed> {
  const version = kindVersion(o);
  return installTool(
    {
      tool: 'kind',
      version,
      urlTemplate: o.urlTemplate ?? DEFAULT_KIND_URL,
      checksumSuffix: '.sha256sum',
      pinnedSha256: KIND_RELEASES[version]?.sha256?.[platformKey(ctx.platform)],
    },
    ctx,
  );
}

export async function installKubectl(o: ToolOptions, ctx: InstallContext & { warn?: (m: string) => void }): Promise<Installed> {
  const urlTemplate = o.urlTemplate ?? DEFAULT_KUBECTL_URL;
  const version = await resolveKubectlVersion(o.version ?? DEFAULT_KUBECTL_VERSION, urlTemplate, {
    arch: ctx.platform.arch,
    retry: ctx.retry,
    signal: ctx.signal,
    warn: ctx.warn,
  });
  return installTool(
    {
      tool: 'kubectl',
      version,
      urlTemplate,
      checksumSuffix: '.sha256',
      pinnedSha256: KUBECTL_SHA256[version]?.[platformKey(ctx.platform)],
    },
    ctx,
  );
}

export function installHelm(o: ToolOptions, ctx: InstallContext): Promise<Installed> {
  const version = exactVersion(o.version ?? DEFAULT_HELM_VERSION, 'helm-version');
  return installTool(
    {
      tool: 'helm',
      version,
      urlTemplate: o.urlTemplate ?? DEFAULT_HELM_URL,
      checksumSuffix: '.sha256sum',
      pinnedSha256: HELM_SHA256[version]?.[platformKey(ctx.platform)],
      inArchive: '{os}-{arch}/helm',
    },
    ctx,
  );
}
