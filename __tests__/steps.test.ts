/**
 * Each step action in-process, with a recording runner instead of docker, kind and kubectl:
 * the exact command lines it runs, the typed result it returns, and how it fails.
 * PostgreSQL-free; a real redis-server (Debian's) answers the Redis protocol checks.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { shortHash } from '../src/config/identity.js';
import { poll } from '../src/core/poll.js';
import { buildImage } from '../src/setup/steps/build-image.js';
import { contentTag, contextFiles } from '../src/docker/context-hash.js';
import { createCluster } from '../src/setup/steps/create-cluster.js';
import { createNamespace } from '../src/setup/steps/create-namespace.js';
import { deploy } from '../src/setup/steps/deploy.js';
import { installTool } from '../src/setup/steps/install-tool.js';
import { linkDependency } from '../src/setup/steps/link-dependency.js';
import { loadImage } from '../src/setup/steps/load-image.js';
import { migrate } from '../src/setup/steps/migrate.js';
import { nodesReady } from '../src/setup/steps/nodes-ready.js';
import { preloadImage } from '../src/setup/steps/preload-image.js';
import { inClusterDependency } from '../src/kube/manifests.js';
import { pullImage } from '../src/setup/steps/pull-image.js';
import { pullNodeImage } from '../src/setup/steps/pull-node-image.js';
import { ready } from '../src/setup/steps/ready.js';
import { startContainer } from '../src/setup/steps/start-container.js';
import { startInCluster } from '../src/setup/steps/start-in-cluster.js';
import { DEFAULT_KIND_VERSION, KIND_RELEASES } from '../src/tools/releases.js';
import { currentPlatform } from '../src/tools/platform.js';
import { Mirror } from './helpers/mirror.js';
import { harness, taskWith, toolCacheHolding } from './helpers/step-harness.js';
import { MEMORY_MOUNT_FLAG, refuseStart } from './helpers/fake-runner.js';
import { makeWorkspace, type Workspace } from './helpers/workspace.js';

const NODE = KIND_RELEASES[DEFAULT_KIND_VERSION].nodeImages[KIND_RELEASES[DEFAULT_KIND_VERSION].defaultKubernetes];
const PG: ['pull-image', unknown] = ['pull-image', { ref: 'postgres:16-alpine', localRef: 'postgres:16-alpine', source: 'present', id: `sha256:${'0a'.repeat(32)}` }];

const CLUSTER_ENV = `name: unit
cluster: {}
images:
  api: { context: app }
postgres: { placement: docker, database: app, user: app }
redis: { placement: cluster }
deploy:
  manifests: [manifests]
  wait: [deployment/api]
  expose:
    api: { service: api, port: http, health: /health }
`;

let ws: Workspace;
let redis: ChildProcess;
let redisPort: number;
let http: Server;
let httpPort: number;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  ws = makeWorkspace({
    'e2e.yaml': CLUSTER_ENV,
    'app/Dockerfile': 'FROM scratch\nCOPY main.txt /\n',
    'app/main.txt': 'the service\n',
    'manifests/api.yaml': [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: { name: api }',
      'data:',
      '  image: ${IMAGE_API}',
      '  db: ${POSTGRES_HOST}:${POSTGRES_PORT}',
      '  port: ${POSTGRES_PORT}',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: { name: api }',
      'spec:',
      '  selector: { app: api }',
      '  ports:',
      '    - { name: metrics, port: 9090, targetPort: 9090 }',
      '    - { name: http, port: 8080, targetPort: 8081 }',
      '',
    ].join('\n'),
    'cni.yaml': 'name: cni\ncluster: { kindConfig: cni-kind.yaml }\n',
    'cni-kind.yaml': 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking: { disableDefaultCNI: true }\n',
    'v6.yaml': 'name: v6\ncluster: { kindConfig: v6-kind.yaml }\npostgres: { placement: docker }\nredis: { placement: cluster }\n',
    'v6-kind.yaml': 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking: { ipFamily: ipv6 }\n',
    'podman.yaml': 'name: pod\ncluster: { provider: podman }\nimages:\n  api: { context: app }\n',
    'podman-pg.yaml': 'name: podpg\ncluster: { provider: podman }\npostgres: { placement: docker }\n',
    'k134.yaml': 'name: k134\ncluster: { kubernetes: 1.34.8 }\n',
    'plain.yaml': 'name: plain\npostgres: { migrateCommand: [sh, -c, \'echo "$1 $POSTGRES_URL"\', sh, "${POSTGRES_HOST}:${POSTGRES_PORT}"] }\nredis: {}\n',
    'plain-fails.yaml': 'name: plainf\npostgres: { migrateCommand: [sh, -c, \'echo "goose: no such table" >&2; exit 2\'] }\n',
  });
  redisPort = await freePort();
  redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await poll('redis-server', () => new Promise<void>((resolve, reject) => {
    const s = createNetServer();
    s.once('error', () => resolve()).listen(redisPort, '127.0.0.1', () => s.close(() => reject(new Error('not yet bound'))));
  }), { intervalMs: 20, timeoutMs: 5000 });
  http = createServer((req, res) => res.writeHead(req.url === '/health' ? 200 : 404).end());
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  httpPort = (http.address() as AddressInfo).port;
});
afterAll(async () => {
  redis.kill();
  await new Promise((r) => http.close(r));
  ws.remove();
});

const k = (h: ReturnType<typeof harness>) => `--kubeconfig ${h.ctx.identity.kubeconfig}`;
const archive = (h: ReturnType<typeof harness>, ref: string) => join(h.ctx.identity.workDir, 'images', `${shortHash(ref, 16)}.tar`);

describe('install-tool', () => {
  test('a tool-cache hit runs nothing and puts the cached folder on PATH', async () => {
    const dir = await toolCacheHolding('kind', DEFAULT_KIND_VERSION);
    const h = harness(ws);
    const r = await installTool.run({ kind: 'install-tool', tool: 'kind' }, h.ctx, taskWith());
    expect(r).toEqual({ tool: 'kind', version: DEFAULT_KIND_VERSION, dir, cached: true });
    expect(h.paths).toEqual([dir]);
    expect(h.runner.lines()).toEqual([]);
  });

  test('kubectl follows the node\'s Kubernetes version unless kubectl-version is set', async () => {
    const dir = await toolCacheHolding('kubectl', 'v1.34.8');
    const h = harness(ws, 'k134.yaml');
    expect(h.ctx.config.cluster).toMatchObject({ kubernetes: 'v1.34.8', nodeImage: KIND_RELEASES[DEFAULT_KIND_VERSION].nodeImages['v1.34.8'] });
    expect(await installTool.run({ kind: 'install-tool', tool: 'kubectl' }, h.ctx, taskWith())).toEqual({ tool: 'kubectl', version: 'v1.34.8', dir, cached: true });
    // kubectl-version set: that one, whatever the node runs
    const pinned = await toolCacheHolding('kubectl', 'v1.33.4');
    const ctx = { ...h.ctx, options: { ...h.ctx.options, kubectlVersion: 'v1.33.4' } };
    expect(await installTool.run({ kind: 'install-tool', tool: 'kubectl' }, ctx, taskWith())).toEqual({ tool: 'kubectl', version: 'v1.33.4', dir: pinned, cached: true });
  });

  test('a kind-version that is not a version is refused by name, before any download', async () => {
    const h = harness(ws);
    const mirror = await new Mirror().start();
    try {
      const ctx = { ...h.ctx, options: { ...h.ctx.options, kindVersion: 'latest', kindUrl: mirror.kindUrl } };
      await expect(installTool.run({ kind: 'install-tool', tool: 'kind' }, ctx, taskWith())).rejects.toThrow('kind-version: expected a version such as v0.32.0, got "latest"');
      expect(mirror.requests).toEqual([]);
      expect(h.paths).toEqual([]);
    } finally {
      await mirror.stop();
    }
  });
});

describe('pull-node-image and pull-image', () => {
  const checked = (imageIds: Record<string, string> = {}): ['preflight', unknown] => ['preflight', { findings: [], contextFiles: {}, imageIds }];

  test('an image on the host is used as it is, with the id its check read', async () => {
    const h = harness(ws);
    h.runner.on(['docker', 'image', 'inspect'], { stdout: 'sha256:abc\n' });
    const none = taskWith({ preflight: checked() });
    expect(await pullNodeImage.run({ kind: 'pull-node-image', fromPreflight: 'preflight' }, h.ctx, none)).toEqual({ ref: NODE, localRef: NODE, source: 'present', id: 'sha256:abc' });
    expect(await pullImage.run({ kind: 'pull-image', dep: 'redis', fromPreflight: 'preflight' }, h.ctx, none)).toEqual({ ref: 'redis:7-alpine', localRef: 'redis:7-alpine', source: 'present', id: 'sha256:abc' });
    expect(h.runner.lines()).toEqual([`docker image inspect --format {{.Id}} ${NODE}`, 'docker image inspect --format {{.Id}} redis:7-alpine']);
  });

  test('an image preflight found on the host is not looked for again', async () => {
    const h = harness(ws);
    const task = taskWith({ preflight: checked({ 'redis:7-alpine': 'sha256:feed' }) });
    expect(await pullImage.run({ kind: 'pull-image', dep: 'redis', fromPreflight: 'preflight' }, h.ctx, task)).toEqual({ ref: 'redis:7-alpine', localRef: 'redis:7-alpine', source: 'present', id: 'sha256:feed' });
    expect(h.runner.lines()).toEqual([]);
  });

  test('kubernetes: 1.34.8 pulls the node image the kind release lists for v1.34.8, by digest', async () => {
    const h = harness(ws, 'k134.yaml');
    h.runner.on(['docker', 'image', 'inspect'], { stdout: 'sha256:abc\n' });
    const r = await pullNodeImage.run({ kind: 'pull-node-image', fromPreflight: 'preflight' }, h.ctx, taskWith({ preflight: checked() }));
    expect(r.ref).toMatch(/^kindest\/node:v1\.34\.8@sha256:[0-9a-f]{64}$/);
    expect(h.runner.lines()).toEqual([`docker image inspect --format {{.Id}} ${r.ref}`]);
  });

  test('a pulled image hands on the id read after the pull', async () => {
    const h = harness(ws);
    let pulled = false;
    h.runner.on(['docker', 'image', 'inspect'], () => (pulled ? { stdout: 'sha256:beef\n' } : { code: 1, stderr: 'No such image' }));
    h.runner.on(['docker', 'pull'], () => ((pulled = true), {}));
    const r = await pullImage.run({ kind: 'pull-image', dep: 'postgres', fromPreflight: 'preflight' }, h.ctx, taskWith({ preflight: checked() }));
    expect(r).toEqual({ ref: 'postgres:16-alpine', localRef: 'postgres:16-alpine', source: 'pulled', id: 'sha256:beef' });
    expect(h.runner.lines()).toEqual(['docker image inspect --format {{.Id}} postgres:16-alpine', 'docker pull postgres:16-alpine', 'docker image inspect --format {{.Id}} postgres:16-alpine']);
  });

  test('a missing image is pulled; a rate limit says so and names the image', async () => {
    const h = harness(ws);
    h.runner.on(['docker', 'image', 'inspect'], { code: 1, stderr: 'No such image' });
    h.runner.on(['docker', 'pull'], { code: 1, stderr: 'toomanyrequests: You have reached your pull rate limit.' });
    const run = pullImage.run({ kind: 'pull-image', dep: 'postgres', fromPreflight: 'preflight' }, h.ctx, taskWith({ preflight: checked() }));
    await expect(run).rejects.toThrow(/image "postgres:16-alpine" is not on the host and could not be pulled: toomanyrequests.*\nThe registry is rate-limiting pulls/);
    expect(h.runner.lines()).toEqual(['docker image inspect --format {{.Id}} postgres:16-alpine', 'docker pull postgres:16-alpine']);
  });
});

describe('create-cluster', () => {
  const node: ['pull-node-image', unknown] = ['pull-node-image', { ref: NODE, localRef: 'kindest/node:local', source: 'cache' }];

  test('creates from the generated config with the local node image, and ends when kind returns (the API answers)', async () => {
    const h = harness(ws, 'e2e.yaml', { 'expose:api': { containerPort: 30100, hostPort: 41000 } });
    const { clusterName: name, kubeconfig, workDir } = h.ctx.identity;
    h.runner.on(['kind', 'get', 'clusters'], { stdout: 'someone-else\n' });
    h.runner.on(['kind', 'create', 'cluster'], () => (writeFileSync(kubeconfig, 'apiVersion: v1\n'), {}));
    const r = await createCluster.run({ kind: 'create-cluster', fromNodeImage: 'pull:node-image' }, h.ctx, taskWith({ 'pull:node-image': node }));
    expect(r).toEqual({ clusterName: name, kubeconfig, replaced: false });
    expect(h.runner.lines()).toEqual(['kind get clusters', `kind create cluster --name ${name} --config ${join(workDir, 'kind.yaml')} --kubeconfig ${kubeconfig} --retain`]);
    expect(h.runner.calls[0].env).toEqual({});
    expect(h.runner.calls[1].env).toEqual({});
  });

  test('a leftover of the same name is deleted first; a failed create stops before any kubectl', async () => {
    const h = harness(ws);
    const name = h.ctx.identity.clusterName;
    h.runner.on(['kind', 'get', 'clusters'], { stdout: `${name}\n` });
    h.runner.on(['kind', 'create', 'cluster'], { code: 1, stderr: 'ERROR: failed to create cluster: could not find a log line that matches "Reached target .*Multi-User System.*"' });
    const run = createCluster.run({ kind: 'create-cluster', fromNodeImage: 'pull:node-image' }, h.ctx, taskWith({ 'pull:node-image': node }));
    await expect(run).rejects.toThrow('kind create exited with code 1:\nERROR: failed to create cluster');
    expect(h.runner.lines().map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual(['kind get clusters', 'kind delete cluster', 'kind create cluster']);
    expect(h.runner.lines()[1]).toBe(`kind delete cluster --name ${name} --kubeconfig ${h.ctx.identity.kubeconfig}`);
  });

  test('an IPv6 kind config maps the ports on ::1', async () => {
    const h = harness(ws, 'v6.yaml', { redis: { containerPort: 30002, hostPort: 41002 } });
    h.runner.on(['kind', 'create', 'cluster'], () => (writeFileSync(h.ctx.identity.kubeconfig, 'apiVersion: v1\n'), {}));
    await createCluster.run({ kind: 'create-cluster', fromNodeImage: 'pull:node-image' }, h.ctx, taskWith({ 'pull:node-image': node }));
    const config = parseAllDocuments(readFileSync(join(h.ctx.identity.workDir, 'kind.yaml'), 'utf8'))[0].toJS() as { networking: unknown; nodes: { extraPortMappings: unknown[] }[] };
    expect(config.networking).toEqual({ ipFamily: 'ipv6' });
    expect(config.nodes[0].extraPortMappings).toEqual([{ containerPort: 30002, hostPort: 41002, listenAddress: '::1', protocol: 'TCP' }]);
  });

  test('reading a result the plan gives no edge to is an error naming both tasks', async () => {
    const h = harness(ws);
    const run = createCluster.run({ kind: 'create-cluster', fromNodeImage: 'pull:node-image' }, h.ctx, taskWith({ 'pull:redis': PG }));
    await expect(run).rejects.toThrow('reads task "pull:node-image" as pull-node-image, but the plan made it no task at all');
    expect(h.runner.lines()).toEqual([]);
  });
});

describe('nodes-ready', () => {
  test('waits for every node Ready, then CoreDNS', async () => {
    const h = harness(ws);
    expect(await nodesReady.run({ kind: 'nodes-ready' }, h.ctx, taskWith())).toEqual({ waited: true });
    expect(h.runner.lines()).toEqual([
      `kubectl ${k(h)} wait --for=condition=Ready nodes --all --timeout=180s`,
      `kubectl ${k(h)} rollout status deployment/coredns --namespace kube-system --timeout=180s`,
    ]);
  });

  test('a kind config that disables the default CNI is not waited for, and says so', async () => {
    const h = harness(ws, 'cni.yaml');
    const task = taskWith();
    expect(await nodesReady.run({ kind: 'nodes-ready' }, h.ctx, task)).toEqual({ waited: false });
    expect(h.runner.lines()).toEqual([]);
    expect(task.log.text()).toContain('not waiting for nodes Ready or CoreDNS');
  });

  test('nodes that do not become Ready fail the step', async () => {
    const h = harness(ws);
    h.runner.on(['kubectl'], { code: 1, stderr: 'error: timed out waiting for the condition on nodes/x-control-plane' });
    await expect(nodesReady.run({ kind: 'nodes-ready' }, h.ctx, taskWith())).rejects.toThrow('timed out waiting for the condition on nodes');
  });
});

describe('create-namespace', () => {
  test('applies the namespace through stdin', async () => {
    const h = harness(ws);
    expect(await createNamespace.run({ kind: 'create-namespace' }, h.ctx, taskWith())).toEqual({ namespace: 'unit-e2e' });
    expect(h.runner.lines()).toEqual([`kubectl ${k(h)} apply --server-side --force-conflicts --field-manager=ds-e2e-setup --namespace unit-e2e --filename -`]);
    expect(parseAllDocuments(h.runner.calls[0].input ?? '').map((d) => d.toJS())).toEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'unit-e2e', labels: { 'app.kubernetes.io/managed-by': 'ds-e2e-setup' } } },
    ]);
  });

  test('a refused apply fails the step', async () => {
    const h = harness(ws);
    h.runner.on(['kubectl'], { code: 1, stderr: 'The connection to the server 127.0.0.1:6443 was refused' });
    await expect(createNamespace.run({ kind: 'create-namespace' }, h.ctx, taskWith())).rejects.toThrow('was refused');
  });
});

describe('build-image', () => {
  const input = { kind: 'build-image', image: 'api', fromPreflight: 'preflight' } as const;
  /** The context as preflight listed it: the one walk of it in a run. */
  const listed = (files = contextFiles(join(ws.dir, 'app'))) => taskWith({ preflight: ['preflight', { findings: [], contextFiles: { api: files } }] });

  test('the content tag hashes the files preflight listed, not a second walk of the context', async () => {
    const h = harness(ws);
    h.runner.on(['docker', 'image', 'inspect'], { stdout: 'sha256:abc\n' });
    const task = listed();
    const whole = await buildImage.run(input, h.ctx, task);
    expect(whole.tag).toBe(contentTag('api', h.ctx.config.images.api).tag);
    expect(task.log.text()).toContain(`from ${contextFiles(join(ws.dir, 'app')).length} context files`);
    const one = await buildImage.run(input, h.ctx, listed(['Dockerfile']));
    expect(one.tag).not.toBe(whole.tag);
  });

  test('builds under the content tag with the classic builder, and returns the tag', async () => {
    const h = harness(ws);
    h.runner.on(['docker', 'image', 'inspect'], { code: 1 });
    const r = await buildImage.run(input, h.ctx, listed());
    expect(r).toEqual({ name: 'api', tag: expect.stringMatching(/^api:e2e-[0-9a-f]{16}$/), source: 'built' });
    expect(h.runner.lines()).toEqual([`docker image inspect --format {{.Id}} ${r.tag}`, `docker build --file ${join(ws.dir, 'app/Dockerfile')} --tag ${r.tag} ${join(ws.dir, 'app')}`]);
    expect(h.runner.calls[1].env).toEqual({ DOCKER_BUILDKIT: '0' });
    expect(existsSync(join(h.ctx.identity.diagnosticsDir, 'build-api.log'))).toBe(true);
  });

  test('the same content already on the host is not built again', async () => {
    const h = harness(ws);
    h.runner.on(['docker', 'image', 'inspect'], { stdout: 'sha256:abc\n' });
    expect((await buildImage.run(input, h.ctx, listed())).source).toBe('present');
    expect(h.runner.lines()).toHaveLength(1);
  });

  test('a failed build names the image and the Dockerfile and quotes the log', async () => {
    const h = harness(ws);
    h.runner.on(['docker', 'image', 'inspect'], { code: 1 });
    h.runner.on(['docker', 'build'], { code: 1, stderr: 'COPY failed: file not found in build context\n' });
    const run = buildImage.run(input, h.ctx, listed());
    await expect(run).rejects.toThrow(/^image "api" failed to build from app\/Dockerfile\n--- last lines of the build/);
  });
});

describe('load-image and preload-image', () => {
  test('load-image loads the tag its build returned', async () => {
    const h = harness(ws);
    h.runner.on(['docker', 'version'], { stdout: '28.2.2 1.41\n' });
    const built: ['build-image', unknown] = ['build-image', { name: 'api', tag: 'api:e2e-0123456789abcdef', source: 'built' }];
    expect(await loadImage.run({ kind: 'load-image', image: 'api', fromBuild: 'build:api' }, h.ctx, taskWith({ 'build:api': built }))).toEqual({ name: 'api', tag: 'api:e2e-0123456789abcdef' });
    const file = archive(h, 'api:e2e-0123456789abcdef');
    expect(h.runner.lines()).toEqual([
      'docker version --format {{.Client.Version}} {{.Server.APIVersion}}',
      // an engine older than API 1.48: is its store containerd's (whole index) or the classic one (one platform)?
      'docker info --format {{json .DriverStatus}}',
      `docker save --output ${file} api:e2e-0123456789abcdef`,
      `kind load image-archive ${file} --name ${h.ctx.identity.clusterName}`,
    ]);
    expect(existsSync(file)).toBe(false); // the archive is removed once loaded
  });

  test('a client older than Docker 28 is never given --platform, though the daemon would take it', async () => {
    const h = harness(ws);
    h.runner.on(['docker', 'version'], { stdout: '27.5.1 1.48\n' });
    await loadImage.run({ kind: 'load-image', image: 'api', fromBuild: 'build:api' }, h.ctx, taskWith({ 'build:api': ['build-image', { name: 'api', tag: 'api:e2e-1', source: 'built' }] }));
    expect(h.runner.lines().filter((l) => l.startsWith('docker save'))).toEqual([`docker save --output ${archive(h, 'api:e2e-1')} api:e2e-1`]);
  });

  test("with Docker's containerd store before Docker 28, the archive (a whole index) is imported into each node for the node's platform only", async () => {
    const h = harness(ws);
    h.runner.on(['docker', 'version'], { stdout: '27.5.1 1.47\n' });
    h.runner.on(['docker', 'info'], { stdout: '[["driver-type","io.containerd.snapshotter.v1"]]\n' });
    const lb = `${h.ctx.identity.clusterName}-external-load-balancer`; // listed by kind get nodes, no Kubernetes node
    h.runner.on(['kind', 'get', 'nodes'], { stdout: `leg-control-plane\n${lb}\nleg-worker\n` });
    await loadImage.run({ kind: 'load-image', image: 'api', fromBuild: 'build:api' }, h.ctx, taskWith({ 'build:api': ['build-image', { name: 'api', tag: 'api:e2e-1', source: 'built' }] }));
    const file = archive(h, 'api:e2e-1');
    const inNode = `/var/ds-e2e-${shortHash('api:e2e-1', 16)}.tar`;
    const platform = `linux/${currentPlatform().arch}`;
    expect(h.runner.lines().slice(2)).toEqual([
      `docker save --output ${file} api:e2e-1`,
      `kind get nodes --name ${h.ctx.identity.clusterName}`,
      ...['leg-control-plane', 'leg-worker'].flatMap((node) => [
        `docker cp ${file} ${node}:${inNode}`,
        `docker exec ${node} ctr --namespace=k8s.io images import --platform=${platform} --digests --no-unpack ${inNode}`,
        `docker exec ${node} rm -f ${inNode}`,
      ]),
    ]);
  });

  test('a result of another kind than the plan made is refused', async () => {
    const h = harness(ws);
    await expect(loadImage.run({ kind: 'load-image', image: 'api', fromBuild: 'build:api' }, h.ctx, taskWith({ 'build:api': PG }))).rejects.toThrow(
      'reads task "build:api" as build-image, but the plan made it pull-image',
    );
  });

  test('an image pinned by digest is loaded under a tag of its own, which the pod then names; the tag it came with is not moved', async () => {
    const h = harness(ws);
    h.runner.on(['docker', 'version'], { stdout: '28.2.2 1.48\n' });
    const digest = `sha256:${'ab'.repeat(32)}`;
    const pulled = { ref: `postgres:16@${digest}`, localRef: `postgres:16@${digest}`, source: 'present', id: 'sha256:1d' };
    const r = await preloadImage.run({ kind: 'preload-image', dep: 'postgres', fromPull: 'pull:postgres' }, h.ctx, taskWith({ 'pull:postgres': ['pull-image', pulled] }));
    const owned = `postgres:digest-${'ab'.repeat(8)}`;
    expect(r).toEqual({ ...pulled, localRef: owned });
    const file = archive(h, owned);
    expect(h.runner.lines()).toEqual([
      `docker tag sha256:1d ${owned}`,
      'docker version --format {{.Client.Version}} {{.Server.APIVersion}}',
      `docker save --platform linux/${currentPlatform().arch} --output ${file} ${owned}`,
      `kind load image-archive ${file} --name ${h.ctx.identity.clusterName}`,
    ]);
  });

  test('the in-cluster dependency is imagePullPolicy Never: the image is preloaded, so a miss is ErrImageNeverPull, not a pull', () => {
    const objects = inClusterDependency({ role: 'redis', namespace: 'x-e2e', image: 'redis:digest-abab', port: 6379, nodePort: 30379, env: {}, probe: ['redis-cli', 'ping'] });
    const deployment = objects.find((o) => o.kind === 'Deployment') as { spec?: { template: { spec: { containers: { image: string; imagePullPolicy: string }[] } } } };
    expect(deployment.spec?.template.spec.containers[0]).toMatchObject({ image: 'redis:digest-abab', imagePullPolicy: 'Never' });
  });

  test('preload-image loads the image under its local name and hands it on', async () => {
    const h = harness(ws);
    h.runner.on(['docker', 'version'], { stdout: '28.2.2 1.48\n' });
    const pulled = { ref: 'redis@sha256:aa', localRef: 'redis:digest-aa', source: 'cache' };
    const r = await preloadImage.run({ kind: 'preload-image', dep: 'redis', fromPull: 'pull:redis' }, h.ctx, taskWith({ 'pull:redis': ['pull-image', pulled] }));
    expect(r).toEqual(pulled);
    // an engine with Engine API 1.48 saves the node's platform only
    const file = archive(h, 'redis:digest-aa');
    expect(h.runner.lines()).toEqual([
      'docker version --format {{.Client.Version}} {{.Server.APIVersion}}',
      `docker save --platform linux/${currentPlatform().arch} --output ${file} redis:digest-aa`,
      `kind load image-archive ${file} --name ${h.ctx.identity.clusterName}`,
    ]);
  });

  test('with podman, the image is saved by podman and loaded as an archive (kind\'s docker-image load always calls docker)', async () => {
    const h = harness(ws, 'podman.yaml');
    const built: ['build-image', unknown] = ['build-image', { name: 'api', tag: 'api:e2e-0123456789abcdef', source: 'built' }];
    await loadImage.run({ kind: 'load-image', image: 'api', fromBuild: 'build:api' }, h.ctx, taskWith({ 'build:api': built }));
    const file = archive(h, 'api:e2e-0123456789abcdef');
    expect(h.runner.lines()).toEqual([`podman save --output ${file} api:e2e-0123456789abcdef`, `kind load image-archive ${file} --name ${h.ctx.identity.clusterName}`]);
    expect(h.runner.calls[1].env).toEqual({ KIND_EXPERIMENTAL_PROVIDER: 'podman' });
  });

  test('kind refusing the load fails the step', async () => {
    const h = harness(ws);
    h.runner.on(['kind', 'load'], { code: 1, stderr: 'ERROR: image: "redis:7" not present locally' });
    const pulled: ['pull-image', unknown] = ['pull-image', { ref: 'redis:7', localRef: 'redis:7', source: 'present', id: 'sha256:abc' }];
    await expect(preloadImage.run({ kind: 'preload-image', dep: 'redis', fromPull: 'pull:redis' }, h.ctx, taskWith({ 'pull:redis': pulled }))).rejects.toThrow('not present locally');
  });
});

describe('start-container', () => {
  test('runs the network holder and the container labelled for the leg, from the image id, publishes the port, and is ready when Redis answers PING', async () => {
    const h = harness(ws);
    const name = h.ctx.identity.container('redis');
    const id = `sha256:${'5e'.repeat(32)}`;
    h.runner.on(['docker', 'port'], { stdout: `127.0.0.1:${redisPort}\n` });
    const pulled: ['pull-image', unknown] = ['pull-image', { ref: 'redis:7-alpine', localRef: 'redis:7-alpine', source: 'present', id }];
    const task = taskWith({ 'pull:redis': pulled });
    const r = await startContainer.run({ kind: 'start-container', dep: 'redis', fromPull: 'pull:redis' }, h.ctx, task);
    const url = `redis://127.0.0.1:${redisPort}`;
    const values = { REDIS_HOST: '127.0.0.1', REDIS_PORT: String(redisPort), REDIS_URL: url };
    expect(r).toEqual({ role: 'redis', url, runnerValues: values, values, container: `${name}-net` });
    // made from the id the image check read, not from the tag another leg may move meanwhile; the
    // name is kept as a label for the inspect output, and the log says it
    const labels = Object.entries({ ...h.ctx.identity.labels, 'io.github.ds-e2e-setup.role': 'redis', 'io.github.ds-e2e-setup.image': 'redis:7-alpine' }).flatMap(([a, b]) => ['--label', `${a}=${b}`]);
    expect(h.runner.lines()).toEqual([
      // the dependency is created while the holder starts, and started beside the port's lookup
      // with a cluster, on a host port reserved for the leg: one docker picks moves when the holder joins kind's network
      expect.stringMatching(new RegExp(`^docker create --name ${name}-net ${labels.join(' ')} --publish 127\\.0\\.0\\.1:\\d+:6379 --entrypoint sleep ${id} 2147483647$`)),
      `docker start ${name}-net`,
      `docker create --name ${name} ${labels.join(' ')} --network container:${name}-net ${id}`,
      `docker port ${name}-net 6379/tcp`,
      `docker start ${name}`,
    ]);
    expect(task.log.text()).toContain(`redis: redis:7-alpine is ${id}\n`);
  });

  test('a container that exits before it is ready fails with its last log lines', async () => {
    const h = harness(ws);
    const name = h.ctx.identity.container('postgres');
    h.runner.on(['docker', 'port'], { stdout: '127.0.0.1:1\n' }); // nothing listens there
    h.runner.on(['docker', 'inspect', '--format', '{{.State.Running}}'], { stdout: 'false\n' });
    h.runner.on(['docker', 'logs'], { stdout: 'FATAL:  data directory has wrong ownership\n' });
    const run = startContainer.run({ kind: 'start-container', dep: 'postgres', fromPull: 'pull:postgres' }, h.ctx, taskWith({ 'pull:postgres': PG }));
    await expect(run).rejects.toThrow(new RegExp(`^postgres \\(${name}\\) stopped before it was ready .*\\n--- last lines of ${name} ---\\nFATAL:  data directory has wrong ownership$`));
    expect(h.runner.lines().slice(-2)).toEqual([`docker inspect --format {{.State.Running}} ${name}`, `docker logs --tail 20 ${name}`]);
    // the password is passed by name, never in argv
    expect(h.runner.lines().join('\n')).not.toContain('pw-unit-test-secret');
    expect(h.runner.calls[0].env).toEqual({});
    expect(h.runner.calls[2].env).toEqual({ POSTGRES_USER: 'app', POSTGRES_PASSWORD: 'pw-unit-test-secret', POSTGRES_DB: 'app', PGDATA: '/var/lib/postgresql/ds-e2e/pgdata' });
    // storage: memory (the default): the holder carries a RAM-backed volume that the database mounts too
    expect(h.runner.lines()[0]).toContain(` ${MEMORY_MOUNT_FLAG} `);
    expect(h.runner.lines()[2]).toContain(` --volumes-from ${name}-net `);
  });

  test('with podman, the data stays on disk (the RAM-backed volume is made for docker only), and the log says so', async () => {
    const h = harness(ws, 'podman-pg.yaml');
    refuseStart(h.runner, 'podman', h.ctx.identity.container('postgres')); // ends the start once the containers are made
    const task = taskWith({ 'pull:postgres': PG });
    await expect(startContainer.run({ kind: 'start-container', dep: 'postgres', fromPull: 'pull:postgres' }, h.ctx, task)).rejects.toThrow('start refused by the test');
    expect(h.runner.lines()[0]).toMatch(/^podman create --name \S+-postgres-net /);
    expect(h.runner.lines().join('\n')).not.toContain('--mount');
    expect(h.runner.lines().join('\n')).not.toContain('--volumes-from');
    expect(task.log.text()).toContain('postgres: the data stays on disk with podman (its RAM-backed volume is made for docker only)');
  });

  test('a leftover of this leg holding the name is removed, by the leg\'s labels, and the start tried again', async () => {
    const h = harness(ws);
    const name = h.ctx.identity.container('redis');
    let tries = 0;
    h.runner.on(['docker', 'create'], (c) => (c.argv.includes(`${name}-net`) && tries++ === 0 ? { code: 125, stderr: `docker: Error response from daemon: Conflict. The container name "/${name}-net" is already in use by container "abc".` } : { stdout: 'c0ffee\n' }));
    h.runner.on(['docker', 'ps'], { stdout: `${name}-net\n${name}\n` });
    h.runner.on(['docker', 'port'], { stdout: `127.0.0.1:${redisPort}\n` });
    const pulled: ['pull-image', unknown] = ['pull-image', { ref: 'redis:7-alpine', localRef: 'redis:7-alpine', source: 'present', id: 'sha256:abc' }];
    await startContainer.run({ kind: 'start-container', dep: 'redis', fromPull: 'pull:redis' }, h.ctx, taskWith({ 'pull:redis': pulled }));
    expect(h.runner.lines().map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['docker create', 'docker ps', 'docker rm', 'docker create', 'docker start', 'docker create', 'docker port', 'docker start']);
    expect(h.runner.lines()[2]).toBe(`docker rm --force --volumes ${name}-net ${name}`);
  });
});

describe('start-in-cluster', () => {
  const preloaded: ['preload-image', unknown] = ['preload-image', { ref: 'redis:7-alpine', localRef: 'redis:7-alpine', source: 'present' }];

  test('applies the preset, waits for the rollout, and is ready when Redis answers through the mapped port', async () => {
    const h = harness(ws, 'e2e.yaml', { redis: { containerPort: 30379, hostPort: redisPort } });
    const r = await startInCluster.run({ kind: 'start-in-cluster', dep: 'redis', fromPreload: 'preload:redis' }, h.ctx, taskWith({ 'preload:redis': preloaded }));
    expect(r).toEqual({
      role: 'redis',
      url: `redis://127.0.0.1:${redisPort}`,
      runnerValues: { REDIS_HOST: '127.0.0.1', REDIS_PORT: String(redisPort), REDIS_URL: `redis://127.0.0.1:${redisPort}` },
      values: { REDIS_HOST: 'redis.unit-e2e.svc', REDIS_PORT: '6379', REDIS_URL: 'redis://redis.unit-e2e.svc:6379' },
    });
    expect(h.runner.lines()).toEqual([
      `kubectl ${k(h)} apply --server-side --force-conflicts --field-manager=ds-e2e-setup --namespace unit-e2e --filename -`,
      `kubectl ${k(h)} rollout status deployment/redis --namespace unit-e2e --timeout=300s`,
      // the watcher that ends the wait early if the pod is stuck reads the Deployment's selector
      `kubectl ${k(h)} get deployment redis --namespace unit-e2e --output json`,
    ]);
    const objects = parseAllDocuments(h.runner.calls[0].input ?? '').map((d) => d.toJS() as { kind: string; spec?: Record<string, unknown> });
    expect(objects.map((o) => o.kind)).toEqual(['Deployment', 'Service']);
    expect(JSON.stringify(objects[0])).toContain('"readinessProbe":{"exec":{"command":["redis-cli","ping"]}');
  });

  test('a rollout that times out fails the step before any probe', async () => {
    const h = harness(ws, 'e2e.yaml', { redis: { containerPort: 30379, hostPort: 1 } });
    h.runner.on(['kubectl', '--kubeconfig', h.ctx.identity.kubeconfig, 'rollout'], { code: 1, stderr: 'error: timed out waiting for the condition' });
    const run = startInCluster.run({ kind: 'start-in-cluster', dep: 'redis', fromPreload: 'preload:redis' }, h.ctx, taskWith({ 'preload:redis': preloaded }));
    await expect(run).rejects.toThrow('timed out waiting for the condition');
  });
});

describe('link-dependency', () => {
  const started: ['start-container', unknown] = ['start-container', { role: 'postgres', url: 'postgres://x', runnerValues: {}, values: {}, container: 'leg-postgres-net' }];

  const values = {
    POSTGRES_HOST: 'postgres.unit-e2e.svc',
    POSTGRES_PORT: '5432',
    POSTGRES_USER: 'app',
    POSTGRES_DB: 'app',
    POSTGRES_PASSWORD: 'pw-unit-test-secret',
    POSTGRES_URL: 'postgres://app:pw-unit-test-secret@postgres.unit-e2e.svc:5432/app',
  };

  test('joins kind\'s network with the container that holds the network, and points the in-cluster name at its address', async () => {
    const h = harness(ws);
    h.runner.on(['docker', 'inspect'], { stdout: '172.18.0.7\n' });
    const r = await linkDependency.run({ kind: 'link-dependency', dep: 'postgres', fromContainer: 'postgres' }, h.ctx, taskWith({ postgres: started }));
    expect(r).toEqual({ role: 'postgres', values, address: '172.18.0.7' });
    expect(h.runner.lines()).toEqual([
      'docker network connect kind leg-postgres-net',
      'docker inspect --format {{with index .NetworkSettings.Networks "kind"}}{{.IPAddress}}{{end}} leg-postgres-net',
      `kubectl ${k(h)} apply --server-side --force-conflicts --field-manager=ds-e2e-setup --namespace unit-e2e --filename -`,
    ]);
    const [service, slice] = parseAllDocuments(h.runner.calls[2].input ?? '').map((d) => d.toJS()) as [{ spec: Record<string, unknown> }, { addressType: string; endpoints: { addresses: string[] }[] }];
    expect(service.spec).toEqual({ ports: [{ name: 'postgres', port: 5432, targetPort: 5432, protocol: 'TCP' }] });
    expect(slice).toMatchObject({ addressType: 'IPv4', endpoints: [{ addresses: ['172.18.0.7'] }] });
  });

  test('in an IPv6 cluster the container\'s IPv6 address goes into an IPv6 EndpointSlice', async () => {
    const h = harness(ws, 'v6.yaml');
    h.runner.on(['docker', 'inspect'], { stdout: 'fc00:f853:ccd:e793::5\n' });
    await linkDependency.run({ kind: 'link-dependency', dep: 'postgres', fromContainer: 'postgres' }, h.ctx, taskWith({ postgres: started }));
    expect(h.runner.lines()[1]).toBe('docker inspect --format {{with index .NetworkSettings.Networks "kind"}}{{.GlobalIPv6Address}}{{end}} leg-postgres-net');
    const slice = parseAllDocuments(h.runner.calls[2].input ?? '').map((d) => d.toJS())[1] as { addressType: string; endpoints: { addresses: string[] }[] };
    expect(slice).toMatchObject({ addressType: 'IPv6', endpoints: [{ addresses: ['fc00:f853:ccd:e793::5'] }] });
  });

  test('a container with no address on the network is an error naming both', async () => {
    const h = harness(ws);
    h.runner.on(['docker', 'inspect'], { stdout: '\n' });
    const run = linkDependency.run({ kind: 'link-dependency', dep: 'postgres', fromContainer: 'postgres' }, h.ctx, taskWith({ postgres: started }));
    await expect(run).rejects.toThrow('container leg-postgres-net has no IPv4 address on network kind');
  });
});

describe('migrate', () => {
  const postgres: ['start-container', unknown] = [
    'start-container',
    { role: 'postgres', url: 'postgres://app:pw@127.0.0.1:5999/app', runnerValues: { POSTGRES_HOST: '127.0.0.1', POSTGRES_PORT: '5999' }, values: { POSTGRES_HOST: 'postgres.x.svc' } },
  ];

  test('migrateCommand runs on the runner with the runner\'s addresses and POSTGRES_URL set', async () => {
    const h = harness(ws, 'plain.yaml');
    const task = taskWith({ postgres });
    const r = await migrate.run({ kind: 'migrate', fromPostgres: 'postgres' }, h.ctx, task);
    const argv = ['sh', '-c', 'echo "$1 $POSTGRES_URL"', 'sh', '127.0.0.1:5999'];
    expect(r).toEqual({ command: argv });
    expect(h.runner.calls).toEqual([{ argv, env: { POSTGRES_URL: 'postgres://app:pw@127.0.0.1:5999/app' }, cwd: ws.dir, input: undefined }]);
    // run for real: what it printed, with the URL it was given, is in the task's log
    expect(task.log.text()).toContain('127.0.0.1:5999 postgres://app:pw@127.0.0.1:5999/app');
  });

  test('a failing command fails the step', async () => {
    const h = harness(ws, 'plain-fails.yaml');
    await expect(migrate.run({ kind: 'migrate', fromPostgres: 'postgres' }, h.ctx, taskWith({ postgres }))).rejects.toThrow(/exited with code 2:?\s+goose: no such table/);
  });

  test('a migrations folder that does not parse is refused when the run is prepared, so no step ever connects', () => {
    const local = makeWorkspace({ 'e2e.yaml': 'name: m\npostgres: { migrations: db }\n', 'db/001_a.sql': '-- +goose Up\n-- +goose Sideways\nSELECT 1;\n' });
    expect(() => harness(local)).toThrow('e2e.yaml: postgres.migrations: db/001_a.sql:2: unknown annotation "-- +goose Sideways": "Sideways" not supported: invalid annotation');
    local.remove();
  });
});

describe('deploy and ready', () => {
  const needs = {
    'load:api': ['load-image', { name: 'api', tag: 'api:e2e-feed' }] as ['load-image', unknown],
    'link:postgres': ['link-dependency', { role: 'postgres', values: { POSTGRES_HOST: 'postgres.unit-e2e.svc', POSTGRES_PORT: '5432' } }] as ['link-dependency', unknown],
  };

  test('deploy fills the placeholders from its needs\' results, applies in the namespace, and turns the exposed port into its NodePort', async () => {
    const h = harness(ws, 'e2e.yaml', { 'expose:api': { containerPort: 30010, hostPort: httpPort } });
    const r = await deploy.run({ kind: 'deploy', fromLoads: ['load:api'], fromDependencies: ['link:postgres'] }, h.ctx, taskWith(needs));
    expect(r).toEqual({ manifests: [join(ws.dir, 'manifests/api.yaml')], kustomize: [], charts: [], exposed: ['api'] });
    // the port exposed by name ("http") is patched by its number, the merge key: its name,
    // targetPort and the other port stay as they are
    expect(h.runner.lines()).toEqual([
      `kubectl ${k(h)} apply --server-side --force-conflicts --field-manager=ds-e2e-setup --namespace unit-e2e --filename -`,
      `kubectl ${k(h)} patch service api --namespace unit-e2e --patch {"spec":{"type":"NodePort","externalTrafficPolicy":"Cluster","ports":[{"port":8080,"nodePort":30010}]}}`,
    ]);
    const [config] = parseAllDocuments(h.runner.calls[0].input ?? '').map((d) => d.toJS() as { data: Record<string, unknown> });
    // a placeholder that is the whole value stays a string: EnvVar.value and ConfigMap data need one
    expect(config.data).toEqual({ image: 'api:e2e-feed', db: 'postgres.unit-e2e.svc:5432', port: '5432' });
    expect(h.runner.calls[0].input).toContain('  port: "5432"\n');
  });

  test('a Service only a chart makes is read back after the install, then patched; charts come after kubectl apply', async () => {
    const local = makeWorkspace({
      'e2e.yaml': CLUSTER_ENV.replace('  manifests: [manifests]\n', '  manifests: [manifests]\n  helm: [{ chart: chart, release: web, set: { image: "${IMAGE_API}" } }]\n').replace('service: api, port: http', 'service: web, port: 80'),
      'app/Dockerfile': 'FROM scratch\n',
      'manifests/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n',
      'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
    });
    const h = harness(local, 'e2e.yaml', { 'expose:api': { containerPort: 30010, hostPort: httpPort } });
    h.runner.on(['kubectl', '--kubeconfig', h.ctx.identity.kubeconfig, 'get', 'service', 'web'], { stdout: JSON.stringify({ kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80, targetPort: 8080 }] } }) });
    await deploy.run({ kind: 'deploy', fromLoads: ['load:api'], fromDependencies: ['link:postgres'] }, h.ctx, taskWith(needs));
    expect(h.runner.lines()).toEqual([
      `kubectl ${k(h)} apply --server-side --force-conflicts --field-manager=ds-e2e-setup --namespace unit-e2e --filename -`,
      `helm upgrade --install web ${join(local.dir, 'chart')} --namespace unit-e2e --create-namespace --set-string image=api:e2e-feed ${k(h)}`,
      `kubectl ${k(h)} get service web --namespace unit-e2e --output json`,
      `kubectl ${k(h)} patch service web --namespace unit-e2e --patch {"spec":{"type":"NodePort","externalTrafficPolicy":"Cluster","ports":[{"port":80,"nodePort":30010}]}}`,
    ]);
    local.remove();
  });

  test('an exposed port the Service does not have is refused before anything is applied, naming its ports', async () => {
    const local = makeWorkspace({
      'e2e.yaml': CLUSTER_ENV.replace('port: http', 'port: 8081'),
      'app/Dockerfile': 'FROM scratch\n',
      'manifests/api.yaml': readFileSync(join(ws.dir, 'manifests/api.yaml'), 'utf8'),
    });
    const h = harness(local, 'e2e.yaml', { 'expose:api': { containerPort: 30010, hostPort: httpPort } });
    const run = deploy.run({ kind: 'deploy', fromLoads: ['load:api'], fromDependencies: ['link:postgres'] }, h.ctx, taskWith(needs));
    await expect(run).rejects.toThrow('Service "api" has no port 8081; its ports are: 9090 (metrics), 8080 (http). expose.port names one of them, by number (not the targetPort) or by name');
    expect(h.runner.lines()).toEqual([]);
    local.remove();
  });

  test('a headless Service is refused before anything is applied, and says what to expose instead', async () => {
    const local = makeWorkspace({
      'e2e.yaml': CLUSTER_ENV,
      'app/Dockerfile': 'FROM scratch\n',
      'manifests/api.yaml': readFileSync(join(ws.dir, 'manifests/api.yaml'), 'utf8').replace('  selector: { app: api }', '  clusterIP: None\n  selector: { app: api }'),
    });
    const h = harness(local, 'e2e.yaml', { 'expose:api': { containerPort: 30010, hostPort: httpPort } });
    const run = deploy.run({ kind: 'deploy', fromLoads: ['load:api'], fromDependencies: ['link:postgres'] }, h.ctx, taskWith(needs));
    await expect(run).rejects.toThrow('Service "api" is headless (clusterIP: None), which cannot become a NodePort: expose a Service with a cluster IP');
    expect(h.runner.lines()).toEqual([]);
    local.remove();
  });

  test('an exposed Service with externalTrafficPolicy Local is reached through the control plane all the same (Cluster), and the log says so', async () => {
    const local = makeWorkspace({
      'e2e.yaml': CLUSTER_ENV,
      'app/Dockerfile': 'FROM scratch\n',
      'manifests/api.yaml': readFileSync(join(ws.dir, 'manifests/api.yaml'), 'utf8').replace('  selector: { app: api }', '  externalTrafficPolicy: Local\n  selector: { app: api }'),
    });
    const h = harness(local, 'e2e.yaml', { 'expose:api': { containerPort: 30010, hostPort: httpPort } });
    const task = taskWith(needs);
    await deploy.run({ kind: 'deploy', fromLoads: ['load:api'], fromDependencies: ['link:postgres'] }, h.ctx, task);
    expect(h.runner.lines().at(-1)).toContain('"externalTrafficPolicy":"Cluster"');
    expect(task.log.text()).toContain('Service "api": externalTrafficPolicy Local becomes Cluster');
    local.remove();
  });

  test('deploy without a dependency\'s result is an error, and nothing is applied', async () => {
    const h = harness(ws, 'e2e.yaml', { 'expose:api': { containerPort: 30100, hostPort: httpPort } });
    const run = deploy.run({ kind: 'deploy', fromLoads: ['load:api'], fromDependencies: [] }, h.ctx, taskWith({ 'load:api': needs['load:api'] }));
    await expect(run).rejects.toThrow('no value for placeholder ${POSTGRES_HOST}');
    expect(h.runner.lines()).toEqual([]);
  });

  test('ready waits for the rollouts, then for the health path through the host port', async () => {
    const h = harness(ws, 'e2e.yaml', { 'expose:api': { containerPort: 30010, hostPort: httpPort } });
    expect(await ready.run({ kind: 'ready' }, h.ctx, taskWith())).toEqual({ endpoints: { api: `http://127.0.0.1:${httpPort}` } });
    expect(h.runner.lines()).toEqual([
      `kubectl ${k(h)} rollout status deployment/api --namespace unit-e2e --timeout=300s`,
      `kubectl ${k(h)} get deployment api --namespace unit-e2e --output json`,
    ]);
  });

  test('ready waits for a Job until it completes (a Job has no rollout)', async () => {
    ws.write('job.yaml', 'name: unit\ncluster: {}\ndeploy:\n  manifests: [m.yaml]\n  wait: [job/seed, deployment/api]\n');
    ws.write('m.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: m }\n');
    const h = harness(ws, 'job.yaml');
    await ready.run({ kind: 'ready' }, h.ctx, taskWith());
    expect(h.runner.lines()).toEqual(
      expect.arrayContaining([
        `kubectl ${k(h)} wait job/seed --for=condition=complete --namespace unit-e2e --timeout=300s`,
        `kubectl ${k(h)} rollout status deployment/api --namespace unit-e2e --timeout=300s`,
      ]),
    );
    expect(h.runner.lines().filter((l) => l.includes('rollout status job/'))).toEqual([]);
  });

  test('ready fails on a rollout that does not finish', async () => {
    const h = harness(ws, 'e2e.yaml', { 'expose:api': { containerPort: 30100, hostPort: httpPort } });
    h.runner.on(['kubectl'], { code: 1, stderr: 'error: deployment "api" exceeded its progress deadline' });
    await expect(ready.run({ kind: 'ready' }, h.ctx, taskWith())).rejects.toThrow('exceeded its progress deadline');
  });
});
