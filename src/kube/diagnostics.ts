/**
 * Evidence from the cluster, collected before anything is deleted: `kind export logs`, the
 * namespace's events, and `describe` plus the logs (current and previous container) of every
 * pod that is not Ready, and of the action's own dependency pods. Each part is best-effort: one failing does not lose the others.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redactSecrets, type Helm } from './helm.js';
import type { Kind } from './kind.js';
import type { Kubectl } from './kubectl.js';

interface PodList {
  items: { metadata: { name: string; labels?: Record<string, string> }; status?: { conditions?: { type: string; status: string }[] } }[];
}

export async function writeClusterDiagnostics(kind: Kind, kubectl: Kubectl, namespace: string, dir: string, mask: (t: string) => string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const keep = (name: string, text: string): void => {
    const file = join(dir, name);
    writeFileSync(file, mask(text));
    written.push(file);
  };
  written.push(await writeKindLogs(kind, dir, mask));
  const events = await kubectl.run(['get', 'events', '--namespace', namespace, '--sort-by=.lastTimestamp'], { allowFailure: true, quietStdout: true });
  keep('events.txt', events.stdout + events.stderr);
  const pods = await kubectl.run(['get', 'pods', '--namespace', namespace, '--output', 'json'], { allowFailure: true, quietStdout: true });
  let list: PodList = { items: [] };
  try {
    list = JSON.parse(pods.stdout) as PodList;
  } catch {
    keep('pods.txt', pods.stdout + pods.stderr);
  }
  for (const pod of list.items) {
    const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    // the action's own PostgreSQL and Redis are kept even when Ready: a failed migration's cause is in their log
    const ours = pod.metadata.labels?.['app.kubernetes.io/managed-by'] === 'ds-e2e-setup';
    if (ready && !ours) continue;
    const name = pod.metadata.name;
    const describe = await kubectl.run(['describe', 'pod', name, '--namespace', namespace], { allowFailure: true, quietStdout: true });
    keep(`pod-${name}.describe.txt`, describe.stdout + describe.stderr);
    const logs = await kubectl.run(['logs', name, '--namespace', namespace, '--all-containers'], { allowFailure: true, quietStdout: true });
    keep(`pod-${name}.log`, logs.stdout + logs.stderr);
    const previous = await kubectl.run(['logs', name, '--namespace', namespace, '--all-containers', '--previous'], { allowFailure: true, quietStdout: true });
    keep(`pod-${name}.previous.log`, previous.stdout + previous.stderr);
  }
  return written;
}

/** `kind export logs` into dir/kind-logs, every file masked; returns that folder. */
export async function writeKindLogs(kind: Kind, dir: string, mask: (t: string) => string): Promise<string> {
  const logs = join(dir, 'kind-logs');
  await kind.exportLogs(logs);
  maskTree(logs, mask);
  return logs;
}

/** kind writes its logs itself: mask them in place, so no secret is kept in the folder. */
function maskTree(dir: string, mask: (t: string) => string): void {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true }) as string[];
  } catch {
    return; // nothing exported
  }
  for (const name of names) {
    const file = join(dir, name);
    if (!statSync(file).isFile()) continue;
    const text = readFileSync(file, 'utf8');
    const masked = mask(text);
    if (masked !== text) writeFileSync(file, masked);
  }
}

/** Each release's `helm status` and `helm get manifest` (its Secrets redacted), masked, in dir/helm. */
export async function writeHelmDiagnostics(helm: Helm, releases: { release: string; namespace: string }[], dir: string, mask: (t: string) => string): Promise<string[]> {
  const folder = join(dir, 'helm');
  mkdirSync(folder, { recursive: true });
  const written: string[] = [];
  for (const r of releases) {
    const { status, manifest } = await helm.evidence(r.release, r.namespace);
    for (const [name, text] of [[`${r.release}.status.txt`, status], [`${r.release}.manifest.yaml`, redactSecrets(manifest)]]) {
      writeFileSync(join(folder, name), mask(text));
      written.push(join(folder, name));
    }
  }
  return written;
}
