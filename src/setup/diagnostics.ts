/**
 * The evidence of a leg, in one place for `up` (on failure) and `down` (before removing):
 * every container's log and inspect output, then, when the cluster exists, kind's logs, the
 * events, the pods that are not Ready, and each installed chart's status and manifest. A fault is a warning: it must never keep what follows
 * (the error, the cleanup) from happening.
 */
import { writeContainerDiagnostics } from '../docker/diagnostics.js';
import type { Docker } from '../docker/docker.js';
import { writeClusterDiagnostics, writeHelmDiagnostics } from '../kube/diagnostics.js';
import type { Helm } from '../kube/helm.js';
import type { Kind } from '../kube/kind.js';
import type { Kubectl } from '../kube/kubectl.js';
import type { Services } from './context.js';

export interface Evidence {
  docker: Docker;
  labels: Record<string, string>;
  dir: string;
  /** With the charts the deploy installed, when it got that far. */
  cluster?: { kind: Kind; kubectl: Kubectl; namespace: string; helm?: { client: Helm; releases: { release: string; namespace: string }[] } };
}

export async function writeDiagnostics(e: Evidence, services: Services): Promise<string[]> {
  const warn = (err: Error): string[] => (services.logger.warn(`could not write diagnostics: ${err.message}`), []);
  const mask = services.secrets.mask;
  const written = await writeContainerDiagnostics(e.docker, e.labels, e.dir, mask).catch(warn);
  // kind may be missing or the cluster never made: then there is nothing of it to export
  if (e.cluster && (await e.cluster.kind.exists().catch(() => false))) {
    const { kind, kubectl, namespace } = e.cluster;
    written.push(...(await writeClusterDiagnostics(kind, kubectl, namespace, e.dir, mask).catch(warn)));
    if (e.cluster.helm) written.push(...(await writeHelmDiagnostics(e.cluster.helm.client, e.cluster.helm.releases, e.dir, mask).catch(warn)));
  }
  services.logger.info(`diagnostics written to ${e.dir}`);
  return written;
}
