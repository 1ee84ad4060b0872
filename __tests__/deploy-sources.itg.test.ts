/**
 * deploy.kustomize and deploy.helm through the action, with only kind, kubectl and helm stood in:
 * the kustomization is rendered by the real kubectl client this machine carries (the kubectl
 * stand-in hands `kustomize` to it), and what the cluster received is read from the objects the
 * kubectl stand-in kept, not from our log lines.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunnerFiles, runAction } from './helpers/run.js';
import { readRecords, toolCacheWithStandins, type StandinRecord } from './helpers/standins.js';
import { makeWorkspace, type Workspace } from './helpers/workspace.js';

const NODE_IMAGE = 'ds-e2e-test/kind-node:standin-2';

const FILES: Record<string, string> = {
  'app/Dockerfile': 'FROM ds-e2e-test/debian:bookworm\nCOPY . /app\n',
  'app/main.txt': `the service ${Date.now()}\n`,
  'deploy/base/kustomization.yaml': 'resources: [deployment.yaml]\n',
  'deploy/base/deployment.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: { name: svc }',
    'spec:',
    '  replicas: 1',
    '  selector: { matchLabels: { app: svc } }',
    '  template:',
    '    metadata: { labels: { app: svc } }',
    '    spec:',
    '      containers:',
    '        - name: svc',
    '          image: ghcr.io/org/svc:latest',
    '          env: [{ name: REDIS, value: "${REDIS_HOST}" }]',
    '',
  ].join('\n'),
  'deploy/overlays/e2e/kustomization.yaml': [
    'resources: [../../base]',
    'labels: [{ pairs: { tier: e2e } }]',
    'patches:',
    '  - target: { kind: Deployment, name: svc }',
    '    patch: |-',
    '      - op: replace',
    '        path: /spec/replicas',
    '        value: 2',
    '      - op: add',
    '        path: /spec/template/spec/containers/0/env/-',
    '        value: { name: LOG_LEVEL, value: debug }',
    '',
  ].join('\n'),
  'plain/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { ns: "${NAMESPACE}" }\n',
  'chart/Chart.yaml': 'apiVersion: v2\nname: svc\nversion: 0.1.0\n',
  'chart/values.yaml': 'image: { repository: ghcr.io/org/svc, tag: latest }\nredis: { host: localhost }\n',
  'chart/templates/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: {{ .Release.Name }}-chart }\n',
  'e2e-values.yaml': 'image: { full: "${IMAGE_SVC}" }\nredis: { url: "redis://${REDIS_HOST}:${REDIS_PORT}" }\n',
};

const ENV = (deploy: string): string => `name: srcs
cluster: {}
images:
  svc: { context: app, replaces: ghcr.io/org/svc }
redis: { placement: docker, image: ds-e2e-test/redis:7 }
postgres: { placement: docker, image: ds-e2e-test/postgres:15 }
deploy:
${deploy}`;

interface Run {
  main: { code: number; stdout: string };
  outputs: Record<string, string>;
  records: StandinRecord[];
  state: string;
}

let toolCache: string;
beforeAll(async () => {
  toolCache = await toolCacheWithStandins();
});

async function run(ws: Workspace): Promise<Run> {
  const runner = new RunnerFiles();
  const log = join(runner.dir, 'standin.log');
  const env = { GITHUB_WORKSPACE: ws.dir, RUNNER_TOOL_CACHE: toolCache, STANDIN_LOG: log, STANDIN_KIND_CREATE_MS: '0' };
  const main = await runAction('main', runner.processEnv({ config: 'e2e.yaml', cache: 'false', 'node-image': NODE_IMAGE }, env));
  const outputs = runner.outputs();
  const records = readRecords(log);
  if (process.env.DEBUG_DEPLOY) console.log(main.stdout.split('\n').filter((l) => !l.startsWith('::debug')).join('\n'));
  const post = await runAction('post', runner.postEnv({}, env));
  expect(post.code).toBe(0);
  return { main, outputs, records, state: `${outputs.kubeconfig}.standin` };
}

interface StoredDeployment {
  metadata: { labels?: Record<string, string>; namespace?: string };
  spec: { replicas: number; template: { spec: { containers: { image: string; env: { name: string; value: string }[] }[] } } };
}

const stored = (r: Run, kind: string, name: string): StoredDeployment =>
  JSON.parse(readFileSync(join(r.state, `${kind}_${r.outputs.namespace}_${name}.json`), 'utf8')) as StoredDeployment;

describe('deploy.kustomize', () => {
  let ws: Workspace;
  let r: Run;
  beforeAll(async () => {
    ws = makeWorkspace({ ...FILES, 'e2e.yaml': ENV('  kustomize: [deploy/overlays/e2e]\n  wait: [deployment/svc]\n') });
    r = await run(ws);
  }, 120000);
  afterAll(() => ws.remove());

  test('the overlay is applied with this run\'s content tag in place of ghcr.io/org/svc:latest, and keeps its patches', () => {
    expect(r.main.code).toBe(0);
    const d = stored(r, 'Deployment', 'svc');
    const container = d.spec.template.spec.containers[0];
    expect(container.image).toBe(JSON.parse(r.outputs.images).svc);
    expect(container.image).toMatch(/^svc:e2e-[0-9a-f]{16}$/);
    expect(d.spec.replicas).toBe(2);
    expect(d.metadata.labels).toEqual({ tier: 'e2e' });
    expect(container.env).toEqual([
      { name: 'REDIS', value: expect.stringMatching(/^[a-z0-9.-]+$/) },
      { name: 'LOG_LEVEL', value: 'debug' },
    ]);
    expect(d.metadata.namespace).toBe(r.outputs.namespace);
  });

  test('rendering went through kubectl kustomize on a wrapper that names the overlay, not through a second tool', () => {
    const calls = r.records.filter((x) => x.tool === 'kubectl' && x.args.includes('kustomize'));
    expect(calls.length).toBe(1);
    expect(calls[0].code).toBe(0);
  });
});

describe('deploy.helm, mixed with manifests and kustomize', () => {
  let ws: Workspace;
  let r: Run;
  beforeAll(async () => {
    ws = makeWorkspace({
      ...FILES,
      'e2e.yaml': ENV(
        [
          '  manifests: [plain]',
          '  kustomize: [deploy/overlays/e2e]',
          '  helm:',
          '    - chart: chart',
          '      release: svc-chart',
          '      values: [e2e-values.yaml]',
          '      set: { image.tag: "${IMAGE_SVC}", redis.host: "${REDIS_HOST}", replicas: 3, enabled: "true", db.password: "${POSTGRES_PASSWORD}" }',
          '',
        ].join('\n'),
      ),
    });
    r = await run(ws);
  }, 120000);
  afterAll(() => ws.remove());

  test('helm upgrade --install carries the chart, release, namespace, values and --set with the tag and the dependency host filled in', () => {
    expect(r.main.code).toBe(0);
    const upgrades = r.records.filter((x) => x.tool === 'helm' && x.args[0] === 'upgrade');
    expect(upgrades.length).toBe(1);
    const u = upgrades[0];
    const tag = JSON.parse(r.outputs.images).svc as string;
    const redisHost = stored(r, 'Deployment', 'svc').spec.template.spec.containers[0].env[0].value;
    expect(u.args.slice(0, 7)).toEqual(['upgrade', '--install', 'svc-chart', join(ws.dir, 'chart'), '--namespace', r.outputs.namespace, '--create-namespace']);
    // strings stay strings, numbers go as numbers, and the password goes through a file, never argv
    expect(u.helm?.set).toEqual(['replicas=3']);
    expect(u.helm?.setString).toEqual([`image.tag=${tag}`, `redis.host=${redisHost}`, 'enabled=true']);
    const password = new URL(r.outputs['postgres-url']).password;
    expect(u.args.join(' ')).not.toContain(password);
    expect(u.helm?.setFiles).toEqual([{ key: 'db.password', content: password }]);
    expect(u.helm?.values).toHaveLength(1);
    expect(u.helm?.values[0].content).toBe(`image: { full: "${tag}" }\nredis: { url: "redis://${redisHost}:6379" }\n`);
    // the filled values file lived only for the install
    expect(existsSync(u.helm!.values[0].file)).toBe(false);
  });

  test('manifests, then kustomize, then helm, in one deploy step', () => {
    const deployCalls = r.records.filter((x) => (x.tool === 'kubectl' && x.args.includes('apply') && x.objects?.some((o) => (o as { metadata: { name: string } }).metadata.name === 'settings')) || (x.tool === 'helm' && x.args[0] === 'upgrade'));
    expect(deployCalls.map((x) => x.tool)).toEqual(['kubectl', 'helm']);
    const kinds = deployCalls[0].objects!.map((o) => `${(o as { kind: string }).kind}/${(o as { metadata: { name: string } }).metadata.name}`);
    expect(kinds).toEqual(['ConfigMap/settings', 'Deployment/svc']);
    expect(deployCalls[0].end).toBeLessThanOrEqual(deployCalls[1].start);
  });
});

describe('deploy.helm with a failed rollout', () => {
  test('diagnostics-dir holds helm status and helm get manifest', async () => {
    const ws = makeWorkspace({
      ...FILES,
      'e2e.yaml': ENV('  helm: [{ chart: chart, release: svc-chart, set: { image.tag: "${IMAGE_SVC}" } }]\n  wait: [deployment/svc-chart]\n'),
    });
    const r = await run(ws);
    ws.remove();
    expect(r.main.code).not.toBe(0);
    expect(r.main.stdout).toContain('task "ready" failed');
    const dir = join(r.outputs['diagnostics-dir'], 'helm');
    expect(readFileSync(join(dir, 'svc-chart.status.txt'), 'utf8')).toMatch(/^NAME: svc-chart\n.*\nSTATUS: deployed\n/s);
    expect(readFileSync(join(dir, 'svc-chart.manifest.yaml'), 'utf8')).toContain('# Source: svc-chart/templates/deployment.yaml');
    const evidence = r.records.filter((x) => x.tool === 'helm' && x.args[0] !== 'upgrade').map((x) => x.args.slice(0, 2).join(' '));
    expect(evidence).toEqual(['status svc-chart', 'get manifest']);
  }, 120000);
});
