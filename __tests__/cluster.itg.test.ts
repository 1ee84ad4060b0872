import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createClient } from 'redis';
import { parse } from 'yaml';
import { loadConfig } from '../src/config/load.js';
import { poll } from '../src/core/poll.js';
import { inClusterDependency, namespaceObject, externalDependency } from '../src/kube/manifests.js';
import { postgresPreset } from '../src/deps/presets.js';
import { kindConfig } from '../src/kube/kind-config.js';
import { planTasks } from '../src/plan/plan.js';
import { leftovers } from './helpers/docker.js';
import { validateK8s } from './helpers/k8s-schema.js';
import { ROOT, RunnerFiles, runAction, runCli } from './helpers/run.js';
import { NodeFixtures } from './helpers/node-fixtures.js';
import { findRecord, readRecords, toolCacheWithStandins, type StandinRecord } from './helpers/standins.js';
import { kindParseError } from './helpers/kind-flags.js';
import { newestKubectl, kubectlParseError } from './helpers/real-kubectl.js';
import { makeWorkspace, type Workspace } from './helpers/workspace.js';

const NODE_IMAGE = 'ds-e2e-test/kind-node:standin-2';
/** Every kind and kubectl call any test here recorded, for the contract tests at the end. */
const recorded: StandinRecord[] = [];

const ENV = `name: ds-cluster
cluster:
  workers: 1
  kindConfig: kind.yaml
images:
  datastorage:
    context: app
postgres:
  image: ds-e2e-test/postgres:15
  placement: docker
  database: action_history
  user: slm_user
  migrations: migrations
redis:
  image: ds-e2e-test/redis:7
  placement: docker
deploy:
  manifests: [manifests]
  wait: [deployment/datastorage]
  expose:
    datastorage: { service: datastorage, port: http, health: /health }
`;

function clusterWorkspace(): Workspace {
  const ws = makeWorkspace({
    'e2e.yaml': ENV,
    // the slow step makes the build overlap the cluster creation in the timeline
    // (the RUN line is new each run, so no earlier build's layer cache can skip the sleep)
    'app/Dockerfile': `FROM ds-e2e-test/debian:bookworm\nRUN sleep 2 && echo ${Date.now()}-${Math.random()}\nCOPY . /app\n`,
    // new content each run, so the image is really built (a present tag would skip the build)
    'app/main.txt': `the service, ${Date.now()}-${Math.random()}\n`,
    'kind.yaml': 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking: { disableDefaultCNI: false }\nnodes:\n  - role: control-plane\n    extraMounts: [{ hostPath: /tmp, containerPath: /host-tmp }]\n',
  });
  cpSync(join(ROOT, 'examples/datastorage/migrations'), join(ws.dir, 'migrations'), { recursive: true });
  cpSync(join(ROOT, 'examples/datastorage/manifests'), join(ws.dir, 'manifests'), { recursive: true });
  const manifest = join(ws.dir, 'manifests/datastorage.yaml');
  writeFileSync(
    manifest,
    readFileSync(manifest, 'utf8')
      // two named ports, the service exposed by name: both must stay
      .replace('ports: [{ port: 8080, targetPort: 8080 }]', 'ports: [{ name: http, port: 8080, targetPort: 8080 }, { name: metrics, port: 9090, targetPort: 9090 }]')
      // a placeholder as a whole value in a string field (EnvVar.value)
      .replace('envFrom:', 'env: [{ name: DB_PORT, value: ${POSTGRES_PORT} }]\n          envFrom:'),
  );
  // no metadata.namespace: it must land in the environment's namespace, not in "default"
  ws.write('manifests/settings.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  REDIS_PORT: ${REDIS_PORT}\n');
  return ws;
}

interface Leg {
  runner: RunnerFiles;
  main: { code: number; stdout: string };
  records: StandinRecord[];
  log: string;
  env: NodeJS.ProcessEnv;
}

async function runLeg(ws: Workspace, toolCache: string, extra: NodeJS.ProcessEnv = {}): Promise<Leg> {
  const runner = new RunnerFiles();
  const log = join(runner.dir, 'standin.log');
  const env = { GITHUB_WORKSPACE: ws.dir, RUNNER_TOOL_CACHE: toolCache, STANDIN_LOG: log, ...extra };
  // What pods would listen on, the test starts itself as the action applies them.
  const fixtures = new NodeFixtures(log).start();
  // The node image is the stand-in node's, present on the host, as a warm runner would have it.
  const main = await runAction('main', runner.processEnv({ config: 'e2e.yaml', cache: 'false', 'node-image': NODE_IMAGE }, env)).finally(() => fixtures.stop());
  return { runner, main, records: readRecords(log), log, env };
}

async function runPost(leg: Leg): Promise<StandinRecord[]> {
  const post = await runAction('post', leg.runner.postEnv({}, leg.env));
  expect(post.code).toBe(0);
  const records = readRecords(leg.log);
  recorded.push(...records);
  return records;
}

describe('the cluster path, with only kind and kubectl stood in', () => {
  let ws: Workspace;
  let toolCache: string;
  let leg: Leg;
  let outputs: Record<string, string>;
  let timings: Record<string, { start: number; end: number; needs: string[] }>;
  const otherCluster = 'someone-elses-cluster';

  beforeAll(async () => {
    toolCache = await toolCacheWithStandins();
    ws = clusterWorkspace();
    // a cluster that is not this leg's: post must leave it alone
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'other-')), 'kubeconfig');
    execFileSync(join(ROOT, '__tests__/bin/kind'), ['delete', 'cluster', '--name', otherCluster], { stdio: 'pipe' }); // left by an aborted run
    execFileSync(join(ROOT, '__tests__/bin/kind'), ['create', 'cluster', '--name', otherCluster, '--kubeconfig', kubeconfig], { env: { ...process.env, STANDIN_KIND_CREATE_MS: '0' }, stdio: 'pipe' });
    leg = await runLeg(ws, toolCache);
    outputs = leg.runner.outputs();
    timings = Object.fromEntries(
      (JSON.parse(outputs.timings ?? '[]') as { task: string; start: string; end: string; needs: string[] }[]).map((t) => [
        t.task,
        { start: Date.parse(t.start), end: Date.parse(t.end), needs: t.needs },
      ]),
    );
  });
  afterAll(async () => {
    execFileSync(join(ROOT, '__tests__/bin/kind'), ['delete', 'cluster', '--name', otherCluster], { stdio: 'pipe' });
    const built = outputs?.images && (JSON.parse(outputs.images) as Record<string, string>).datastorage;
    if (built) execFileSync('docker', ['rmi', '--force', built], { stdio: 'pipe' });
    ws.remove();
  });

  test('the node image comes from the host (or the cache), before the cluster needs it', () => {
    expect(leg.main.stdout).toContain(`${NODE_IMAGE}: source present`);
    expect(timings.cluster.needs).toContain('pull:node-image');
  });

  test('the setup succeeds and hands over a kubeconfig of its own, mode 0600', () => {
    expect(leg.main.stdout).not.toContain('::error::');
    expect(leg.main.code).toBe(0);
    expect(outputs.kubeconfig).toContain(leg.runner.dir);
    expect(statSync(outputs.kubeconfig).mode & 0o777).toBe(0o600);
    expect(leg.runner.exported().KUBECONFIG).toBe(outputs.kubeconfig);
    expect(outputs['cluster-name']).toMatch(/^ds-cluster-[0-9a-f]{8}$/);
  });

  test('cluster creation and the image build overlap; kind load comes after both', () => {
    const create = findRecord(leg.records, 'kind', 'create', 'cluster')!;
    const build = timings['build:datastorage'];
    expect(create.start).toBeLessThan(build.end);
    expect(build.start).toBeLessThan(create.end);
    const load = leg.records.find((r) => r.tool === 'kind' && r.args[1] === 'image-archive' && r.archive?.images.includes(JSON.parse(outputs.images).datastorage))!;
    expect(load.start).toBeGreaterThanOrEqual(create.end);
    expect(load.start).toBeGreaterThanOrEqual(build.end);
  });

  test('the migrations come before the service is applied, the waits after it', () => {
    const applyService = leg.records.find((r) => r.tool === 'kubectl' && r.args.includes('apply') && r.objects?.some((o) => o.kind === 'Deployment'))!;
    expect(timings.migrate.end).toBeLessThanOrEqual(applyService.start);
    const rollout = findRecord(leg.records, 'kubectl', 'rollout', 'status', 'deployment/datastorage')!;
    expect(rollout.start).toBeGreaterThanOrEqual(applyService.end);
  });

  test('the manifests are filled in: the built tag, in-cluster names for dependencies', () => {
    const objects = leg.records.flatMap((r) => r.objects ?? []);
    const deployment = objects.find((o) => o.kind === 'Deployment') as { spec: { template: { spec: { containers: { image: string }[] } } } };
    expect(deployment.spec.template.spec.containers[0].image).toBe(JSON.parse(outputs.images).datastorage);
    const secret = objects.find((o) => o.kind === 'Secret') as { stringData: Record<string, string> };
    const ns = outputs.namespace;
    expect(secret.stringData.POSTGRES_URL).toMatch(new RegExp(`^postgres://slm_user:[^@]+@postgres\\.${ns}\\.svc:5432/action_history$`));
    expect(secret.stringData.REDIS_URL).toBe(`redis://redis.${ns}.svc:6379`);
    const slices = objects.filter((o) => o.kind === 'EndpointSlice') as { endpoints: { addresses: string[] }[] }[];
    expect(slices).toHaveLength(2);
    for (const s of slices) expect(s.endpoints[0].addresses[0]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  test('a manifest without a namespace lands in the environment\'s namespace; whole-value placeholders stay strings', () => {
    const objects = leg.records.flatMap((r) => r.objects ?? []) as { kind: string; metadata: { name: string; namespace?: string }; data?: Record<string, unknown>; spec?: unknown }[];
    const settings = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'settings');
    expect(settings).toMatchObject({ metadata: { namespace: outputs.namespace }, data: { REDIS_PORT: '6379' } });
    const apply = leg.records.find((r) => r.tool === 'kubectl' && r.objects?.some((o) => o === settings || (o as { metadata: { name: string } }).metadata.name === 'settings'))!;
    expect(apply.args).toEqual(expect.arrayContaining(['apply', '--namespace', outputs.namespace]));
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'datastorage') as { spec: { template: { spec: { containers: { env: unknown[] }[] } } } };
    expect(deployment.spec.template.spec.containers[0].env).toEqual([{ name: 'DB_PORT', value: '5432' }]);
  });

  test('the Service exposed by a port\'s name keeps both its named ports; the named one gets the NodePort', () => {
    const stateDir = `${outputs.kubeconfig}.standin`;
    const svc = JSON.parse(readFileSync(join(stateDir, `Service_${outputs.namespace}_datastorage.json`), 'utf8')) as { spec: { type: string; ports: unknown[] } };
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.ports).toEqual([
      { name: 'http', port: 8080, targetPort: 8080, nodePort: 30010 },
      { name: 'metrics', port: 9090, targetPort: 9090 },
    ]);
  });

  test('a restarted PostgreSQL is reached again at its in-cluster address, from inside the node', async () => {
    const state = JSON.parse(leg.runner.saved().leg) as { clusterName: string; labels: Record<string, string> };
    const slice = JSON.parse(readFileSync(join(`${outputs.kubeconfig}.standin`, `EndpointSlice_${outputs.namespace}_postgres-container.json`), 'utf8')) as { endpoints: { addresses: string[] }[] };
    const address = slice.endpoints[0].addresses[0];
    const container = `${state.clusterName}-postgres`;
    const labels = Object.entries(state.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
    execFileSync('docker', ['stop', container], { stdio: 'pipe' });
    // another container joins kind's network meanwhile, as a test's other services would
    execFileSync('docker', ['run', '--detach', '--name', `${state.clusterName}-filler`, '--network', 'kind', ...labels, 'ds-e2e-test/debian:bookworm', 'sleep', '300'], { stdio: 'pipe' });
    execFileSync('docker', ['start', container], { stdio: 'pipe' });
    const node = `${state.clusterName}-control-plane`;
    const url = new URL(outputs['postgres-url']);
    await poll(
      'PostgreSQL at its in-cluster address after the restart',
      async () => {
        const r = spawnSync('docker', ['run', '--rm', '--network', `container:${node}`, '--env', 'PGPASSWORD', '--entrypoint', 'psql', 'ds-e2e-test/postgres:15', '--host', address, '--username', 'slm_user', '--dbname', 'action_history', '--tuples-only', '--command', 'SELECT 1'], {
          encoding: 'utf8',
          env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) },
        });
        if (r.status !== 0) throw new Error(r.stderr.trim());
        expect(r.stdout.trim()).toBe('1');
      },
      { intervalMs: 250, timeoutMs: 30_000 },
    );
  });

  test('every manifest the action applies is a valid Kubernetes object', () => {
    const objects = leg.records.flatMap((r) => r.objects ?? []);
    expect(objects.length).toBeGreaterThanOrEqual(6);
    for (const o of objects) validateK8s(o);
  });

  test('the exposed service answers through its host port; endpoints and service-url say where', async () => {
    const endpoints = JSON.parse(outputs.endpoints) as Record<string, string>;
    expect(endpoints.datastorage).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(outputs['service-url']).toBe(endpoints.datastorage);
    expect(leg.runner.exported().DATASTORAGE_URL).toBe(endpoints.datastorage);
    const r = await fetch(`${endpoints.datastorage}/health`);
    expect(r.status).toBe(200);
    const patch = findRecord(leg.records, 'kubectl', 'patch', 'service', 'datastorage')!;
    expect(patch).toBeDefined();
  });

  test('the generated kind config holds the node image, the workers, the port mappings and the merged user config', () => {
    const config = findRecord(leg.records, 'kind', 'create', 'cluster')!.config as {
      nodes: { role: string; image: string; extraMounts?: unknown[]; extraPortMappings?: { containerPort: number; hostPort: number; listenAddress: string }[] }[];
      networking: unknown;
    };
    expect(config.nodes.map((n) => [n.role, n.image])).toEqual([['control-plane', NODE_IMAGE], ['worker', NODE_IMAGE]]);
    const port = Number(new URL(JSON.parse(outputs.endpoints).datastorage).port);
    // NodePorts from the static band (30000-30085), which dynamic allocation leaves alone
    expect(config.nodes[0].extraPortMappings).toEqual([{ containerPort: 30010, hostPort: port, listenAddress: '127.0.0.1', protocol: 'TCP' }]);
    expect(config.nodes[0].extraMounts).toEqual([{ hostPath: '/tmp', containerPath: '/host-tmp' }]);
    // the user's networking, and kind's API server on a port reserved for the leg (not one kind picks)
    expect(config.networking).toEqual({ disableDefaultCNI: false, apiServerPort: expect.any(Number) });
  });

  test('the engine ran exactly the planned graph', () => {
    const config = loadConfig('e2e.yaml', { workspace: ws.dir });
    config.cluster!.nodeImage = NODE_IMAGE;
    const planned = planTasks(config).map((t) => [t.id, t.needs]);
    expect(Object.entries(timings).map(([id, t]) => [id, t.needs])).toEqual(planned);
  });

  test('post deletes exactly this leg\'s cluster and containers', async () => {
    const state = JSON.parse(leg.runner.saved().leg) as { clusterName: string; kubeconfig: string; labels: Record<string, string> };
    const records = await runPost(leg);
    const deletes = records.filter((r) => r.tool === 'kind' && r.args[0] === 'delete');
    // with the leg's own kubeconfig: kind never edits the user's ~/.kube/config or $KUBECONFIG
    expect(deletes.map((r) => r.args)).toEqual([['delete', 'cluster', '--name', state.clusterName, '--kubeconfig', state.kubeconfig]]);
    const clusters = execFileSync(join(ROOT, '__tests__/bin/kind'), ['get', 'clusters'], { encoding: 'utf8' });
    expect(clusters).toContain(otherCluster);
    expect(clusters).not.toContain(state.clusterName);
    expect(leftovers(state.labels).containers).toEqual([]);
  });
});

describe('a failing cluster setup', () => {
  test('diagnostics come first, before any delete; the error names the task; no secret is kept', async () => {
    const toolCache = await toolCacheWithStandins();
    const ws = clusterWorkspace();
    // a literal env value with the password: `kubectl describe` prints such values as they are
    const manifest = join(ws.dir, 'manifests/datastorage.yaml');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('env: [{ name: DB_PORT', 'env: [{ name: DB_PASSWORD, value: "${POSTGRES_PASSWORD}" }, { name: DB_PORT'));
    const leg = await runLeg(ws, toolCache, { STANDIN_UNREADY: 'datastorage' });
    expect(leg.main.code).not.toBe(0);
    expect(leg.main.stdout).toContain('::error::task "ready" failed');
    const dir = leg.runner.outputs()['diagnostics-dir'];
    expect(existsSync(join(dir, 'kind-logs', 'kind-version.txt'))).toBe(true);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['events.txt', 'pod-datastorage-7d4b9c-standin.describe.txt', 'pod-datastorage-7d4b9c-standin.log']));
    expect(readdirSync(dir).some((f) => f.endsWith('-postgres.log'))).toBe(true);
    const records = await runPost(leg);
    const exportAt = records.findIndex((r) => r.tool === 'kind' && r.args[0] === 'export');
    const deleteAt = records.findIndex((r) => r.tool === 'kind' && r.args[0] === 'delete');
    expect(exportAt).toBeGreaterThanOrEqual(0);
    expect(deleteAt).toBeGreaterThan(exportAt);
    // main gathered the evidence when it failed; post does not gather it a second time
    expect(records.filter((r) => r.tool === 'kind' && r.args[0] === 'export')).toHaveLength(1);
    // the generated password is in none of the diagnostics
    const password = new URL(leg.runner.outputs()['postgres-url']).password;
    const files = (readdirSync(dir, { recursive: true }) as string[]).map((f) => join(dir, f)).filter((f) => statSync(f).isFile());
    const describe = readFileSync(join(dir, 'pod-datastorage-7d4b9c-standin.describe.txt'), 'utf8');
    expect(describe).toContain('DB_PASSWORD:  ***');
    for (const f of files) expect(readFileSync(f, 'utf8')).not.toContain(password);
    ws.remove();
  });
});

describe('placement: cluster', () => {
  test('PostgreSQL and Redis from the action\'s manifests, reached through NodePorts; migrations applied', async () => {
    const toolCache = await toolCacheWithStandins();
    const ws = clusterWorkspace();
    ws.write('e2e.yaml', ENV.replace(/placement: docker/g, 'placement: cluster').replace('name: ds-cluster', 'name: ds-incluster'));
    const leg = await runLeg(ws, toolCache);
    try {
      expect(leg.main.stdout).not.toContain('::error::');
      expect(leg.main.code).toBe(0);
      const outputs = leg.runner.outputs();
      const ns = outputs.namespace;
      // the preloaded images, the owned manifests with probes, the NodePorts
      const loaded = leg.records.find((r) => r.tool === 'kind' && r.args[1] === 'image-archive' && r.archive?.images.includes('ds-e2e-test/postgres:15'));
      // saved for the node's platform: one image, no index listing platforms the archive lacks
      expect(loaded?.archive).toEqual({ images: ['ds-e2e-test/postgres:15'], platforms: [] });
      const objects = leg.records.flatMap((r) => r.objects ?? []) as { kind: string; metadata: { name: string }; spec?: { type?: string; ports?: { nodePort?: number }[] } }[];
      for (const o of objects) validateK8s(o as Record<string, unknown>);
      // (the two start side by side, so in either order)
      expect(objects.filter((o) => o.kind === 'Service' && o.spec?.type === 'NodePort').map((o) => [o.metadata.name, o.spec!.ports![0].nodePort]).sort()).toEqual([
        ['postgres', 30001],
        ['redis', 30002],
      ]);
      const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'datastorage-db') as unknown as { stringData: Record<string, string> };
      expect(secret.stringData.POSTGRES_URL).toMatch(new RegExp(`@postgres\\.${ns}\\.svc:5432/action_history$`));
      // the runner's URLs go through the reserved host ports and kind's port mappings
      expect(outputs['postgres-url']).toMatch(/@127\.0\.0\.1:\d+\/action_history$/);
      const client = new pg.Client({ connectionString: outputs['postgres-url'] });
      await client.connect();
      const tables = (await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map((r) => r.tablename);
      await client.end();
      expect(tables).toEqual(['action_history', 'goose_db_version']);
      const redis = createClient({ url: outputs['redis-url'] });
      await redis.connect();
      expect(await redis.ping()).toBe('PONG');
      await redis.quit();
    } finally {
      await runPost(leg);
      ws.remove();
    }
    const state = JSON.parse(leg.runner.saved().leg) as { clusterName: string };
    expect(execFileSync('docker', ['ps', '--all', '--filter', `label=io.x-k8s.kind.cluster=${state.clusterName}`, '--format', '{{.Names}}'], { encoding: 'utf8' })).toBe('');
  });
});

describe('migrateCommand with a cluster', () => {
  test('runs on the runner with the addresses the runner reaches, not the in-cluster names', async () => {
    const toolCache = await toolCacheWithStandins();
    const ws = clusterWorkspace();
    ws.write(
      'e2e.yaml',
      `name: ds-migcmd\ncluster: {}\npostgres:\n  image: ds-e2e-test/postgres:15\n  placement: docker\n  migrateCommand: [sh, -c, 'echo "$1 $2" > migrated.txt', sh, '\${POSTGRES_HOST}:\${POSTGRES_PORT}', '\${POSTGRES_URL}']\n`,
    );
    const leg = await runLeg(ws, toolCache);
    expect(leg.main.code).toBe(0);
    const url = leg.runner.outputs()['postgres-url'];
    const port = new URL(url).port;
    expect(readFileSync(join(ws.dir, 'migrated.txt'), 'utf8').trim()).toBe(`127.0.0.1:${port} ${url}`);
    await runPost(leg);
    ws.remove();
  });
});

describe('a cluster of the same name left from before', () => {
  test('is replaced: deleted, then created anew', async () => {
    const toolCache = await toolCacheWithStandins();
    const ws = clusterWorkspace();
    ws.write('e2e.yaml', 'name: ds-replace\ncluster: {}\n');
    const name = 'ds-replace-left-over';
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'left-')), 'kubeconfig');
    execFileSync(join(ROOT, '__tests__/bin/kind'), ['create', 'cluster', '--name', name, '--kubeconfig', kubeconfig], { env: { ...process.env, STANDIN_KIND_CREATE_MS: '0' }, stdio: 'pipe' });
    const runner = new RunnerFiles();
    const log = join(runner.dir, 'standin.log');
    const env = { GITHUB_WORKSPACE: ws.dir, RUNNER_TOOL_CACHE: toolCache, STANDIN_LOG: log };
    const main = await runAction('main', runner.processEnv({ config: 'e2e.yaml', cache: 'false', 'node-image': NODE_IMAGE, 'cluster-name': name }, env));
    expect(main.code).toBe(0);
    expect(main.stdout).toContain(`a cluster named ${name} exists already: replacing it`);
    const records = readRecords(log).filter((r) => r.tool === 'kind' && ['create', 'delete'].includes(r.args[0]));
    expect(records.map((r) => r.args.slice(0, 2))).toEqual([['delete', 'cluster'], ['create', 'cluster']]);
    await runPost({ runner, main, records: [], log, env });
    expect(execFileSync(join(ROOT, '__tests__/bin/kind'), ['get', 'clusters'], { encoding: 'utf8', stdio: 'pipe' })).not.toContain(name);
    ws.remove();
  });
});

describe('kind create failing', () => {
  const run = async (failures: string, name: string) => {
    const toolCache = await toolCacheWithStandins();
    const ws = clusterWorkspace();
    ws.write('e2e.yaml', `name: ${name}\ncluster: {}\n`);
    const runner = new RunnerFiles();
    const log = join(runner.dir, 'standin.log');
    const failuresFile = join(runner.dir, 'failures');
    writeFileSync(failuresFile, failures);
    const env = { GITHUB_WORKSPACE: ws.dir, RUNNER_TOOL_CACHE: toolCache, STANDIN_LOG: log, STANDIN_KIND_CREATE_FAILURES: failuresFile, STANDIN_KIND_CREATE_MS: '0' };
    const main = await runAction('main', runner.processEnv({ config: 'e2e.yaml', cache: 'false', 'node-image': NODE_IMAGE }, env));
    const kindCalls = readRecords(log).filter((r) => r.tool === 'kind' && ['create', 'delete', 'export'].includes(r.args[0]));
    const outputs = runner.outputs();
    const summary = readFileSync(runner.summary, 'utf8');
    await runPost({ runner, main, records: [], log, env });
    ws.remove();
    return { main, kindCalls, outputs, summary };
  };

  test("on the control plane's readiness timeout: evidence first, then one more creation, which succeeds", async () => {
    const { main, kindCalls, outputs, summary } = await run('kubeadm-timeout\n', 'ds-retry');
    expect(main.code).toBe(0);
    expect(kindCalls.map((r) => `${r.args.slice(0, 2).join(' ')} ${r.code}`)).toEqual(['create cluster 1', 'export logs 0', 'delete cluster 0', 'create cluster 0']);
    const evidence = join(outputs['diagnostics-dir'], 'create-attempt-1');
    expect(readdirSync(join(evidence, 'kind-logs'))).toEqual(expect.arrayContaining(['kind-version.txt', `${outputs['cluster-name']}-control-plane`]));
    const inspect = JSON.parse(readFileSync(join(evidence, `${outputs['cluster-name']}-control-plane.inspect.json`), 'utf8')) as { Config: { Labels: Record<string, string> } }[];
    expect(inspect[0].Config.Labels['io.x-k8s.kind.cluster']).toBe(outputs['cluster-name']);
    expect(readdirSync(evidence)).toContain(`${outputs['cluster-name']}-control-plane.log`);
    expect(main.stdout).toContain('::warning::cluster creation retried once: the control plane was not ready in time');
    expect(summary).toContain("**Cluster:** created on the second attempt; the first failed: the control plane was not ready in time (kubeadm's wait-control-plane phase)");
  });

  test('any other creation failure is not retried', async () => {
    const { main, kindCalls } = await run('network\n', 'ds-noretry');
    expect(main.code).not.toBe(0);
    expect(main.stdout).toContain('failed to ensure docker network');
    expect(kindCalls.filter((r) => r.args[0] === 'create').length).toBe(1);
  });

  test('a second readiness timeout fails the step: one retry only', async () => {
    const { main, kindCalls } = await run('kubeadm-timeout\nkubeadm-timeout\n', 'ds-twice');
    expect(main.code).not.toBe(0);
    expect(main.stdout).toContain("couldn't initialize a Kubernetes cluster");
    expect(kindCalls.filter((r) => r.args[0] === 'create').length).toBe(2);
  });
});

describe('what the action renders, checked against the Kubernetes schemas', () => {
  test('in-cluster PostgreSQL and Redis, the namespace, and the linked-container Service', () => {
    const objects = [
      namespaceObject('x-e2e'),
      ...inClusterDependency({ role: 'postgres', namespace: 'x-e2e', image: 'postgres:16-alpine', port: 5432, nodePort: 30432, env: { POSTGRES_PASSWORD: 'p' }, probe: ['pg_isready'] }),
      ...inClusterDependency({ role: 'redis', namespace: 'x-e2e', image: 'redis:7-alpine', port: 6379, nodePort: 30379, env: {}, probe: ['redis-cli', 'ping'] }),
      ...externalDependency('postgres', 'x-e2e', 5432, '172.18.0.5'),
    ];
    for (const o of objects) validateK8s(o);
    expect(objects.map((o) => o.kind)).toEqual(['Namespace', 'Secret', 'Deployment', 'Service', 'Deployment', 'Service', 'Service', 'EndpointSlice']);
  });

  test('PostgreSQL with its data in RAM: an emptyDir of medium Memory at the mount, PGDATA below it in the Secret, and room for it in the limit', () => {
    const p = postgresPreset({ image: 'postgres:16-alpine', user: 'u', database: 'd', password: 'p' });
    const objects = inClusterDependency({ role: 'postgres', namespace: 'x-e2e', image: p.image, port: 5432, nodePort: 30432, env: p.env, probe: p.probeCommand, memoryData: p.data });
    for (const o of objects) validateK8s(o);
    const [secret, deployment] = objects as unknown as [{ stringData: Record<string, string> }, { spec: { template: { spec: { volumes: unknown[]; containers: { volumeMounts: unknown[]; resources: { limits: { memory: string } } }[] } } } }];
    expect(secret.stringData.PGDATA).toBe('/var/lib/postgresql/ds-e2e/pgdata');
    const pod = deployment.spec.template.spec;
    expect(pod.volumes).toEqual([{ name: 'data', emptyDir: { medium: 'Memory' } }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/postgresql/ds-e2e' }]);
    expect(pod.containers[0].resources.limits.memory).toBe('1536Mi');
    // on disk: no volume, the image's own PGDATA
    const onDisk = inClusterDependency({ role: 'postgres', namespace: 'x-e2e', image: p.image, port: 5432, nodePort: 30432, env: p.env, probe: p.probeCommand });
    expect(JSON.stringify(onDisk)).not.toContain('emptyDir');
    expect(JSON.stringify(onDisk)).not.toContain('PGDATA');
  });

  test('the kind config is YAML that names no cluster (identity does) and keeps the user\'s extra nodes', () => {
    const ws = makeWorkspace({ 'k.yaml': 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: fixed\nnodes: [{ role: control-plane }, { role: worker }, { role: worker, labels: { tier: db } }]\n' });
    const c = parse(JSON.stringify(kindConfig({ nodeImage: 'img', workers: 1, portMappings: [], userConfig: join(ws.dir, 'k.yaml'), listenAddress: '127.0.0.1' }))) as { name?: string; nodes: { role: string; image: string; labels?: unknown }[] };
    expect(c.name).toBeUndefined();
    expect(c.nodes).toEqual([{ role: 'control-plane', image: 'img' }, { role: 'worker', image: 'img' }, { role: 'worker', image: 'img', labels: { tier: 'db' } }]);
    ws.remove();
  });
});

describe('ds-e2e-setup up and down with a cluster', () => {
  test('down, in a new process, finds kind again and removes the cluster up made', async () => {
    const toolCache = await toolCacheWithStandins();
    const ws = clusterWorkspace();
    ws.write('e2e.yaml', 'name: ds-laptop\ncluster: {}\nredis:\n  image: ds-e2e-test/redis:7\n  placement: docker\n');
    // a laptop: no GitHub variables, and no kind or kubectl of its own on PATH
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH!.split(':').filter((d) => !d.includes('__tests__')).join(':'), HOME: ws.dir, RUNNER_TOOL_CACHE: toolCache, RUNNER_TEMP: join(ws.dir, '.tmp') };
    const up = await runCli(['up', '-c', 'e2e.yaml', '--node-image', NODE_IMAGE], { cwd: ws.dir, env });
    expect(up.stderr).not.toContain('error');
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/^KUBECONFIG=.*\/kubeconfig$/m);
    const kind = join(ROOT, '__tests__/bin/kind');
    const name = execFileSync(kind, ['get', 'clusters'], { encoding: 'utf8', stdio: 'pipe' }).split('\n').find((c) => c.startsWith('ds-laptop-'));
    expect(name).toBeDefined();
    const down = await runCli(['down', '-c', 'e2e.yaml'], { cwd: ws.dir, env });
    expect(down.code).toBe(0);
    expect(down.stderr).toContain(`removed cluster ${name}`);
    expect(execFileSync(kind, ['get', 'clusters'], { encoding: 'utf8', stdio: 'pipe' })).not.toContain(name);
    ws.remove();
  });
});

describe('every command line recorded above, against the real tools', () => {
  const kubectl = newestKubectl();
  // shown as skipped, never as passed, where no client is installed
  const withKubectl = kubectl ? test : test.skip;

  withKubectl('kubectl: each one parses with the real client (a kubeconfig to a closed port: only a connection error may follow)', () => {
    if (!kubectl) throw new Error('unreachable: skipped without kubectl');
    const calls = recorded.filter((r) => r.tool === 'kubectl');
    expect(calls.length).toBeGreaterThan(20);
    const refused = calls.map((r) => [r.args.join(' '), kubectlParseError(kubectl, r)]).filter(([, e]) => e !== undefined);
    expect(refused).toEqual([]);
  });

  test('kind: each one parses as kind v0.32.0 defines its commands', () => {
    const calls = recorded.filter((r) => r.tool === 'kind');
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.map((r) => [r.args.join(' '), kindParseError(r.args)]).filter(([, e]) => e !== undefined)).toEqual([]);
  });
});
