/**
 * What a kubelet and kube-proxy would make listen in a kind node, started by the test itself:
 * the stand-in kubectl only records what it is given. For each Deployment the action applies
 * for PostgreSQL or Redis, a container of that image joins the node's network namespace and
 * listens on the Service's NodePort; for each Service patched to a NodePort, busybox httpd
 * answers there (GET /health is 200). Each carries the node's cluster label, so deleting the
 * cluster removes it as it would remove pods.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readRecords, type StandinRecord } from './standins.js';

const NODE_IMAGE = 'ds-e2e-test/kind-node:standin-2';
const MANAGED = 'app.kubernetes.io/managed-by';

type Obj = { kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: Record<string, unknown>; stringData?: Record<string, string> };

export class NodeFixtures {
  private readonly done = new Set<string>();
  private timer?: NodeJS.Timeout;
  readonly started: string[] = [];

  constructor(private readonly log: string) {}

  start(): this {
    this.timer = setInterval(() => this.scan(), 100);
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.scan();
  }

  private scan(): void {
    let records: StandinRecord[];
    try {
      records = readRecords(this.log);
    } catch {
      return; // a line being written: next time
    }
    records.forEach((r, i) => {
      if (r.tool !== 'kubectl' || r.code !== 0 || this.done.has(String(i))) return;
      this.done.add(String(i));
      const cluster = clusterOf(r);
      if (!cluster) return;
      const objects = (r.objects ?? []) as Obj[];
      for (const d of objects.filter((o) => o.kind === 'Deployment' && o.metadata.labels?.[MANAGED] === 'ds-e2e-setup')) {
        const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === d.metadata.name);
        const nodePort = (svc?.spec?.ports as { nodePort: number }[] | undefined)?.[0]?.nodePort;
        const env = objects.find((o) => o.kind === 'Secret' && o.metadata.name === `${d.metadata.name}-env`)?.stringData ?? {};
        const image = ((d.spec?.template as { spec: { containers: { image: string }[] } }).spec.containers[0]).image;
        const command = d.metadata.name === 'postgres' ? ['postgres', '-p', String(nodePort)] : ['redis-server', '--protected-mode', 'no', '--port', String(nodePort)];
        this.run(cluster, `${d.metadata.name}-${nodePort}`, image, command, env);
      }
      const patch = (r as StandinRecord & { patch?: { spec: { ports: { nodePort: number }[] } } }).patch;
      for (const p of patch?.spec.ports ?? []) this.run(cluster, `http-${p.nodePort}`, NODE_IMAGE, ['busybox', 'httpd', '-f', '-p', String(p.nodePort), '-h', '/www'], {});
    });
  }

  private run(cluster: string, what: string, image: string, command: string[], env: Record<string, string>): void {
    const node = `${cluster}-control-plane`;
    const name = `${node}-fixture-${what}`;
    execFileSync(
      'docker',
      ['run', '--detach', '--name', name, '--network', `container:${node}`, '--label', `io.x-k8s.kind.cluster=${cluster}`, ...Object.keys(env).flatMap((k) => ['--env', k]), image, ...command],
      { env: { ...process.env, ...env }, stdio: 'pipe' },
    );
    this.started.push(name);
  }
}

function clusterOf(r: StandinRecord): string | undefined {
  const at = r.args.indexOf('--kubeconfig');
  try {
    return /name: kind-(\S+)/.exec(readFileSync(r.args[at + 1], 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}
