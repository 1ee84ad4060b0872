/**
 * The real cluster's tools, as scripts/cluster-tools.sh builds them once per machine and names
 * them on its last lines (KIND, KUBECTL, HELM, KUSTOMIZE, NODE_IMAGE, KUBERNETES). scripts/test.sh
 * runs it before the tests, so here it only finds what is built, in seconds.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './run.js';

export interface ClusterTools {
  kind: string;
  kubectl: string;
  helm: string;
  kustomize: string;
  nodeImage: string;
  kubernetes: string;
  /** kind's own version, as `kind version` prints it (`kind v0.33.0 go1.26.8 linux/amd64`). */
  kindVersion: string;
  /** helm's, as `helm version --short` prints it (`v3.21.4+g…`), without the build. */
  helmVersion: string;
}

let found: ClusterTools | undefined;

export function clusterTools(): ClusterTools {
  if (found) return found;
  const out = execFileSync('bash', [join(ROOT, 'scripts/cluster-tools.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  const values = Object.fromEntries(
    out
      .split('\n')
      .map((l) => /^([A-Z_]+)=(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
  for (const key of ['KIND', 'KUBECTL', 'HELM', 'KUSTOMIZE', 'NODE_IMAGE', 'KUBERNETES']) {
    if (!values[key]) throw new Error(`scripts/cluster-tools.sh printed no ${key}=…:\n${out.slice(-2000)}`);
  }
  const kindVersion = /\bv\d+\.\d+\.\d+\b/.exec(execFileSync(values.KIND, ['version'], { encoding: 'utf8' }))?.[0];
  if (!kindVersion) throw new Error(`${values.KIND} version printed no version`);
  const helmVersion = /^v\d+\.\d+\.\d+/.exec(execFileSync(values.HELM, ['version', '--short'], { encoding: 'utf8' }))?.[0];
  if (!helmVersion) throw new Error(`${values.HELM} version --short printed no version`);
  found = {
    kind: values.KIND,
    kubectl: values.KUBECTL,
    helm: values.HELM,
    kustomize: values.KUSTOMIZE,
    nodeImage: values.NODE_IMAGE,
    kubernetes: values.KUBERNETES,
    kindVersion,
    helmVersion,
  };
  return found;
}
