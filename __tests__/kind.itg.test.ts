/**
 * The cluster path on a real kind cluster: kind, Kubernetes, containerd and the images a node
 * runs, all built here by scripts/cluster-tools.sh. The action installs kind and kubectl through
 * its own install path, from a loopback mirror with their checksum files, and runs main then post
 * on examples/datastorage/e2e.yaml as a runner would.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { createClient } from 'redis';
import { substituteYaml } from '../src/config/placeholders.js';
import { ProcessRunner } from '../src/exec/runner.js';
import { Kubectl } from '../src/kube/kubectl.js';
import { waitForWorkload, waitForWorkloads } from '../src/kube/workloads.js';
import { currentPlatform } from '../src/tools/platform.js';
import { clusterTools, type ClusterTools } from './helpers/cluster-tools.js';
import { leftovers } from './helpers/docker.js';
import { Mirror } from './helpers/mirror.js';
import { ROOT, RunnerFiles, runNode, type Ran } from './helpers/run.js';
import { makeWorkspace, type Workspace } from './helpers/workspace.js';

const CLUSTER_MS = 15 * 60_000;

/** kubectl with the leg's exported kubeconfig, as the job's own steps run it. */
function kubectl(tools: ClusterTools, kubeconfig: string, args: string[]): string {
  return execFileSync(tools.kubectl, ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8' });
}

function kindClusters(tools: ClusterTools): string[] {
  return execFileSync(tools.kind, ['get', 'clusters'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean);
}

/** One matrix leg, run as a runner runs the action: main now, post when asked (or at the end). */
class Leg {
  readonly runner = new RunnerFiles();
  env: NodeJS.ProcessEnv = {};
  main!: Ran;
  outputs: Record<string, string> = {};
  exported: Record<string, string> = {};
  state!: { clusterName: string; kubeconfig: string; labels: Record<string, string> };
  private posted = false;

  constructor(
    private readonly tools: ClusterTools,
    private readonly cwd: string,
  ) {}

  async up(mirror: Mirror, inputs: Record<string, string>): Promise<this> {
    const all = {
      cache: 'false',
      cleanup: 'always',
      'node-image': this.tools.nodeImage,
      'kind-version': this.tools.kindVersion,
      'kind-url': mirror.kindUrl,
      'kubectl-version': this.tools.kubernetes,
      'kubectl-url': mirror.kubectlUrl,
      ...inputs,
    };
    this.env = this.runner.processEnv(all, { GITHUB_WORKSPACE: this.cwd, RUNNER_TOOL_CACHE: mkdtempSync(join(tmpdir(), 'kind-tc-')) });
    this.main = await runNode(join(ROOT, 'dist/main/index.js'), [], { env: this.env, cwd: this.cwd, timeoutMs: CLUSTER_MS });
    this.outputs = this.runner.outputs();
    this.exported = this.runner.exported();
    this.state = JSON.parse(this.runner.saved().leg ?? '{}') as Leg['state'];
    return this;
  }

  succeeded(): void {
    if (this.main.code !== 0) throw new Error(`main failed (${this.main.code}):\n${this.main.stdout.slice(-6000)}\n${this.main.stderr.slice(-2000)}`);
  }

  post(): Promise<Ran> {
    this.posted = true;
    return runNode(join(ROOT, 'dist/post/index.js'), [], { env: this.runner.postEnv({}, this.env), cwd: this.cwd, timeoutMs: 300_000 });
  }

  /** If post never ran (an earlier failure), it runs now: nothing may be left. */
  async end(): Promise<void> {
    if (!this.posted && this.state?.clusterName) await this.post();
    const built = this.outputs.images && (JSON.parse(this.outputs.images) as Record<string, string>).datastorage;
    if (built) execFileSync('docker', ['rmi', '--force', built], { stdio: 'ignore' });
    rmSync(this.runner.dir, { recursive: true, force: true });
  }
}

let tools: ClusterTools;
const mirror = new Mirror();

beforeAll(async () => {
  tools = clusterTools();
  const { os, arch } = currentPlatform();
  await mirror.start();
  // the real binaries, served where the URL templates point; the checksum files beside them
  mirror.bodies.set(`/kind/${tools.kindVersion}/kind-${os}-${arch}`, readFileSync(tools.kind));
  mirror.bodies.set(`/k8s/release/${tools.kubernetes}/bin/${os}/${arch}/kubectl`, readFileSync(tools.kubectl));
});
afterAll(() => mirror.stop());

describe('main then post on examples/datastorage/e2e.yaml, on a real kind cluster', () => {
  let leg: Leg;
  let main: Ran;
  let outputs: Record<string, string>;
  let exported: Record<string, string>;
  let state: Leg['state'];

  beforeAll(async () => {
    leg = await new Leg(tools, ROOT).up(mirror, { config: 'examples/datastorage/e2e.yaml' });
    ({ main, outputs, exported, state } = leg);
  }, CLUSTER_MS + 60_000);
  afterAll(() => leg.end(), 360_000);

  test('the setup succeeds, with kind and kubectl installed from the mirror and verified', () => {
    leg.succeeded();
    expect(main.code).toBe(0);
    expect(mirror.requests).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^/kind/${tools.kindVersion}/kind-linux-[a-z0-9]+$`)),
        expect.stringMatching(/\.sha256sum$/),
        expect.stringMatching(new RegExp(`^/k8s/release/${tools.kubernetes}/bin/linux/[a-z0-9]+/kubectl$`)),
        expect.stringMatching(/kubectl\.sha256$/),
      ]),
    );
  });

  test('the exported kubeconfig is the leg\'s own (0600) and works with the real kubectl', () => {
    expect(exported.KUBECONFIG).toBe(outputs.kubeconfig);
    expect(statSync(exported.KUBECONFIG).mode & 0o777).toBe(0o600);
    const nodes = JSON.parse(kubectl(tools, exported.KUBECONFIG, ['get', 'nodes', '-o', 'json'])) as {
      items: { status: { nodeInfo: { kubeletVersion: string; containerRuntimeVersion: string }; conditions: { type: string; status: string }[] } }[];
    };
    expect(nodes.items).toHaveLength(1);
    const node = nodes.items[0].status;
    // a real kubelet of the version built, on containerd
    expect(node.nodeInfo.kubeletVersion).toBe(tools.kubernetes);
    expect(node.nodeInfo.containerRuntimeVersion).toMatch(/^containerd:\/\/2\./);
    expect(node.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  test('CoreDNS is ready', () => {
    const ready = kubectl(tools, exported.KUBECONFIG, ['-n', 'kube-system', 'get', 'deployment', 'coredns', '-o', 'jsonpath={.status.readyReplicas}']);
    expect(Number(ready)).toBeGreaterThanOrEqual(1);
  });

  test('PostgreSQL and Redis run in pods of the namespace', () => {
    const pods = JSON.parse(kubectl(tools, exported.KUBECONFIG, ['-n', outputs.namespace, 'get', 'pods', '-o', 'json'])) as {
      items: { metadata: { name: string }; spec: { containers: { image: string }[] }; status: { phase: string } }[];
    };
    const running = pods.items.filter((p) => p.status.phase === 'Running').map((p) => p.spec.containers[0].image);
    expect(running).toEqual(expect.arrayContaining(['ds-e2e-test/postgres:15', 'ds-e2e-test/redis:7']));
  });

  test('the service runs the image built and loaded with kind, and answers its health check through the exported endpoint', async () => {
    const image = (JSON.parse(outputs.images) as Record<string, string>).datastorage;
    const deployed = kubectl(tools, exported.KUBECONFIG, ['-n', outputs.namespace, 'get', 'deployment', 'datastorage', '-o', 'jsonpath={.spec.template.spec.containers[0].image} {.status.readyReplicas}']);
    expect(deployed).toBe(`${image} 1`);
    // imagePullPolicy: Never in the manifest: the pod runs only because kind loaded the image
    const res = await fetch(`${exported.DATASTORAGE_URL}/health`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  });

  test('the migrations are in goose\'s ledger, read through the exported POSTGRES_URL', async () => {
    const client = new pg.Client({ connectionString: exported.POSTGRES_URL });
    await client.connect();
    try {
      const applied = await client.query<{ version_id: string }>('SELECT version_id FROM goose_db_version WHERE is_applied AND version_id > 0 ORDER BY id');
      expect(applied.rows.length).toBeGreaterThan(0);
      const table = await client.query("SELECT to_regclass('action_history') AS t");
      expect(table.rows[0].t).toBe('action_history');
    } finally {
      await client.end();
    }
  });

  test('Redis answers through the exported REDIS_URL', async () => {
    const client = createClient({ url: exported.REDIS_URL });
    await client.connect();
    try {
      expect(await client.ping()).toBe('PONG');
    } finally {
      await client.destroy();
    }
  });

  describe('deploy and wait rules, against the real API server', () => {
    /** The action's own kubectl wrapper on the leg's cluster, with the real client on PATH. */
    const real = (): Kubectl => {
      process.env.PATH = `${dirname(tools.kubectl)}:${process.env.PATH}`;
      return new Kubectl(new ProcessRunner(), exported.KUBECONFIG);
    };
    /** A Deployment of the preloaded Redis image; `ready` is its readiness probe's command. */
    const deployment = (name: string, image: string, ready = 'true', delay = 0) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: app
          image: ${image}
          imagePullPolicy: Never
          readinessProbe: { exec: { command: [sh, -c, "${ready}"] }, initialDelaySeconds: ${delay}, periodSeconds: 1 }
`;

    /** A Job of the preloaded Redis image that runs `command` once, never retried. */
    const job = (name: string, command: string) => `apiVersion: batch/v1
kind: Job
metadata: { name: ${name} }
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: seed, image: ds-e2e-test/redis:7, imagePullPolicy: Never, command: [sh, -c, "${command}"] }]
`;

    test('an octal file mode in a manifest with placeholders is applied as kubectl reads it (0644 is 420)', async () => {
      const text = `apiVersion: v1
kind: Pod
metadata: { name: modes }
spec:
  volumes: [{ name: s, secret: { secretName: absent, defaultMode: 0644, optional: true } }]
  containers: [{ name: app, image: \${IMAGE}, imagePullPolicy: Never, command: [sleep, "1"] }]
`;
      await real().apply(substituteYaml(text, { IMAGE: 'ds-e2e-test/redis:7' }), outputs.namespace);
      const mode = kubectl(tools, exported.KUBECONFIG, ['-n', outputs.namespace, 'get', 'pod', 'modes', '-o', 'jsonpath={.spec.volumes[0].secret.defaultMode}']);
      expect(Number(mode)).toBe(0o644);
    });

    test('a CRD over the client-side annotation limit and a resource of its kind apply in one go; a Secret keeps no plain-text copy', async () => {
      // a description past 262144 bytes: client-side apply's last-applied-configuration cannot hold it
      const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec:
  group: example.com
  names: { kind: Widget, plural: widgets }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema: { openAPIV3Schema: { type: object, description: "${'x'.repeat(300_000)}", x-kubernetes-preserve-unknown-fields: true } }
`;
      const widget = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\nspec: { size: 3 }\n';
      const secret = 'apiVersion: v1\nkind: Secret\nmetadata: { name: s }\nstringData: { password: not-in-an-annotation }\n';
      await real().apply(`${widget}---\n${crd}---\n${secret}`, outputs.namespace);
      expect(kubectl(tools, exported.KUBECONFIG, ['-n', outputs.namespace, 'get', 'widget', 'w', '-o', 'jsonpath={.spec.size}'])).toBe('3');
      const annotations = kubectl(tools, exported.KUBECONFIG, ['-n', outputs.namespace, 'get', 'secret', 's', '-o', 'jsonpath={.metadata.annotations}']);
      expect(annotations).not.toContain('not-in-an-annotation');
      kubectl(tools, exported.KUBECONFIG, ['delete', 'crd', 'widgets.example.com', '--wait=false']);
    }, 60_000);

    test('a pod whose image can never be had ends the wait within seconds, naming the pod and why', async () => {
      const k = real();
      await k.apply(deployment('absent', 'ds-e2e.local/absent:1'), outputs.namespace);
      const started = Date.now();
      await expect(waitForWorkload(k, outputs.namespace, 'deployment/absent', 300, {})).rejects.toThrow(/deployment\/absent will not become ready: pod absent-[a-z0-9-]+, container app: ErrImageNeverPull/);
      expect(Date.now() - started).toBeLessThan(30_000);
    }, 60_000);

    test('the first wait to fail ends the others, and its reason is the one reported', async () => {
      const k = real();
      await k.apply(`${deployment('never-ready', 'ds-e2e-test/redis:7', 'false')}---\n${deployment('absent-too', 'ds-e2e.local/absent:2')}`, outputs.namespace);
      const started = Date.now();
      await expect(waitForWorkloads(k, outputs.namespace, ['deployment/never-ready', 'deployment/absent-too'], 300, {})).rejects.toThrow(/deployment\/absent-too will not become ready: .*ErrImageNeverPull/);
      expect(Date.now() - started).toBeLessThan(30_000);
    }, 60_000);

    test('a Job that fails ends its wait within seconds, with the Job\'s own reason', async () => {
      const k = real();
      await k.apply(job('broken', 'exit 3'), outputs.namespace);
      const started = Date.now();
      await expect(waitForWorkload(k, outputs.namespace, 'job/broken', 300, {})).rejects.toThrow(/job\/broken will not become ready: the Job failed: BackoffLimitExceeded/);
      expect(Date.now() - started).toBeLessThan(30_000);
    }, 60_000);

    test('several waits run at once: two 8-second rollouts take about 8 seconds, not 16', async () => {
      const k = real();
      await k.apply(`${deployment('slow-a', 'ds-e2e-test/redis:7', 'true', 8)}---\n${deployment('slow-b', 'ds-e2e-test/redis:7', 'true', 8)}`, outputs.namespace);
      const started = Date.now();
      await waitForWorkloads(k, outputs.namespace, ['deployment/slow-a', 'deployment/slow-b'], 120, {});
      expect(Date.now() - started).toBeLessThan(15_000);
    }, 60_000);

    test('a Job is waited for until it completes', async () => {
      const k = real();
      await k.apply(job('seed', 'sleep 3'), outputs.namespace);
      await waitForWorkload(k, outputs.namespace, 'job/seed', 120, {});
      expect(kubectl(tools, exported.KUBECONFIG, ['-n', outputs.namespace, 'get', 'job', 'seed', '-o', 'jsonpath={.status.succeeded}'])).toBe('1');
    }, 60_000);
  });

  test('post deletes the cluster and leaves none of the leg\'s containers', async () => {
    expect(kindClusters(tools)).toContain(state.clusterName);
    const post = await leg.post();
    expect(post.code).toBe(0);
    expect(kindClusters(tools)).not.toContain(state.clusterName);
    expect(leftovers(state.labels)).toEqual({ containers: [], networks: [], volumes: [] });
    expect(execFileSync('docker', ['ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${state.clusterName}`, '--format', '{{.Names}}'], { encoding: 'utf8' }).trim()).toBe('');
  }, 360_000);
});

describe('a cluster whose network the deploy installs, two nodes, the dependencies as containers; kustomize and helm', () => {
  let leg: Leg;
  let ws: Workspace;

  beforeAll(async () => {
    // the CNI the node image ships (/kind/manifests/default-cni.yaml), applied by the deploy instead of by kind
    const cni = execFileSync('docker', ['run', '--rm', '--entrypoint', 'cat', tools.nodeImage, '/kind/manifests/default-cni.yaml'], { encoding: 'utf8' });
    ws = makeWorkspace({
      'e2e.yaml': `name: ds-owncni
cluster: { workers: 1, kindConfig: kind.yaml }
images:
  datastorage: { context: app, buildArgs: { BASE: ds-e2e-test/node:24 }, replaces: ghcr.io/org/datastorage }
postgres: { image: ds-e2e-test/postgres:15, database: action_history, user: slm_user, migrations: migrations }
redis: { image: ds-e2e-test/redis:7 }
deploy:
  manifests: [cni.yaml]
  kustomize: [deploy/overlays/e2e]
  helm: [{ chart: chart, release: settings, set: { db: "\${POSTGRES_HOST}", note: 'a,b\\c' } }]
  wait: [deployment/datastorage]
  expose:
    datastorage: { service: datastorage, port: 8080, health: /health }
`,
      'kind.yaml': 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking: { disableDefaultCNI: true }\n',
      // its install script's shell variables stay literal: $${TMP} is the placeholders' escape
      'cni.yaml': cni.replace(/\$\{/g, () => '$${'),
      'chart/Chart.yaml': 'apiVersion: v2\nname: settings\nversion: 0.1.0\n',
      'chart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata:\n  db: {{ .Values.db | quote }}\n  note: {{ .Values.note | quote }}\n',
    });
    for (const dir of ['app', 'migrations', 'deploy']) cpSync(join(ROOT, 'examples/datastorage', dir), join(ws.dir, dir), { recursive: true });
    // a NodePort Service with externalTrafficPolicy Local: the pod runs on the worker, and the host port maps to the control plane
    const service = join(ws.dir, 'deploy/base/service.yaml');
    writeFileSync(service, readFileSync(service, 'utf8').replace('  selector: { app: datastorage }', '  type: NodePort\n  externalTrafficPolicy: Local\n  selector: { app: datastorage }'));
    // helm as get.helm.sh ships it, <os>-<arch>/helm in a .tar.gz, with its .sha256sum beside it
    const { os, arch } = currentPlatform();
    const staged = mkdtempSync(join(tmpdir(), 'helm-dist-'));
    mkdirSync(join(staged, `${os}-${arch}`));
    cpSync(tools.helm, join(staged, `${os}-${arch}/helm`));
    mirror.bodies.set(`/helm/helm-${tools.helmVersion}-${os}-${arch}.tar.gz`, execFileSync('tar', ['-czf', '-', '-C', staged, `${os}-${arch}`], { maxBuffer: 256 << 20 }));
    rmSync(staged, { recursive: true, force: true });
    leg = await new Leg(tools, ws.dir).up(mirror, { config: 'e2e.yaml', 'helm-version': tools.helmVersion, 'helm-url': mirror.helmUrl });
  }, CLUSTER_MS + 60_000);
  afterAll(async () => {
    await leg.end();
    ws.remove();
  }, 360_000);

  test('the overlay is rendered by the real kubectl with the built image in place, and the chart installed by the real helm', () => {
    leg.succeeded();
    const ns = leg.outputs.namespace;
    const image = (JSON.parse(leg.outputs.images) as Record<string, string>).datastorage;
    expect(kubectl(tools, leg.exported.KUBECONFIG, ['-n', ns, 'get', 'deployment', 'datastorage', '-o', 'jsonpath={.spec.template.spec.containers[0].image} {.metadata.labels.environment}'])).toBe(`${image} e2e`);
    const settings = JSON.parse(kubectl(tools, leg.exported.KUBECONFIG, ['-n', ns, 'get', 'configmap', 'settings', '-o', 'jsonpath={.data}'])) as Record<string, string>;
    expect(settings).toEqual({ db: `postgres.${ns}.svc`, note: 'a,b\\c' });
  });

  test('the setup ends: PostgreSQL and Redis run beside the cluster, the CNI (kube-system) comes with the deploy', () => {
    leg.succeeded();
    const nodes = kubectl(tools, leg.exported.KUBECONFIG, ['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end}']);
    expect(nodes.trim().split(' ').map((n) => n.split('=')[1])).toEqual(['True', 'True']);
    expect(kubectl(tools, leg.exported.KUBECONFIG, ['-n', 'kube-system', 'get', 'daemonset', 'kube-router', '-o', 'jsonpath={.status.numberReady}'])).toBe('2');
    expect(leftovers(leg.state.labels).containers.length).toBeGreaterThanOrEqual(2);
  });

  test("PostgreSQL and Redis answer at the exported URLs after joining kind's network (a port docker picked would have moved)", async () => {
    const client = new pg.Client({ connectionString: leg.exported.POSTGRES_URL });
    await client.connect();
    try {
      expect((await client.query<{ t: string }>("SELECT to_regclass('action_history') AS t")).rows[0].t).toBe('action_history');
    } finally {
      await client.end();
    }
    const redis = createClient({ url: leg.exported.REDIS_URL });
    await redis.connect();
    try {
      expect(await redis.ping()).toBe('PONG');
    } finally {
      await redis.destroy();
    }
  });

  test('the service, on the worker, answers through the control plane\'s host port although its Service said Local', async () => {
    const node = kubectl(tools, leg.exported.KUBECONFIG, ['-n', leg.outputs.namespace, 'get', 'pods', '-l', 'app=datastorage', '-o', 'jsonpath={.items[0].spec.nodeName}']);
    expect(node).toMatch(/-worker$/);
    const res = await fetch(`${leg.exported.DATASTORAGE_URL}/health`);
    expect(await res.text()).toBe('ok');
  });

  test('post removes the cluster and the containers', async () => {
    expect((await leg.post()).code).toBe(0);
    expect(kindClusters(tools)).not.toContain(leg.state.clusterName);
    expect(leftovers(leg.state.labels)).toEqual({ containers: [], networks: [], volumes: [] });
  }, 360_000);
});
