import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../src/config/errors.js';
import { loadConfig } from '../src/config/load.js';
import { FULL_ENV_FILES, makeWorkspace, type Workspace } from './helpers/workspace.js';
import { RunnerFiles, runAction, runCli } from './helpers/run.js';

describe('a valid environment file', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = makeWorkspace(FULL_ENV_FILES);
  });
  afterAll(() => ws.remove());

  test('gets its defaults and absolute paths', () => {
    const c = loadConfig('e2e.yaml', { workspace: ws.dir });
    expect(c.name).toBe('api');
    expect(c.namespace).toBe('api-e2e');
    expect(c.cluster).toMatchObject({ workers: 1, provider: 'docker', kindConfig: `${ws.dir}/kind.yaml` });
    expect(c.images.api).toEqual({ context: `${ws.dir}/app`, dockerfile: `${ws.dir}/app/Dockerfile`, target: undefined, buildArgs: {} });
    expect(c.postgres).toMatchObject({ image: 'postgres:16-alpine', placement: 'cluster', database: 'e2e', user: 'e2e', storage: 'memory' });
    expect(c.redis).toEqual({ image: 'redis:7-alpine', placement: 'cluster' });
    expect(c.deploy?.manifests).toEqual([`${ws.dir}/manifests/app.yaml`]);
  });

  test('without a cluster, placement defaults to docker', () => {
    ws.write('nc.yaml', 'name: api\npostgres: {}\nredis: {}\n');
    const c = loadConfig('nc.yaml', { workspace: ws.dir });
    expect(c.postgres?.placement).toBe('docker');
    expect(c.redis?.placement).toBe('docker');
    expect(c.cluster).toBeUndefined();
  });

  test('build args of any scalar type become strings', () => {
    ws.write('ba.yaml', 'name: api\nimages:\n  api: { context: app, buildArgs: { GOFLAGS: -cover, N: 3, ON: true } }\n');
    expect(loadConfig('ba.yaml', { workspace: ws.dir }).images.api.buildArgs).toEqual({ GOFLAGS: '-cover', N: '3', ON: 'true' });
  });
});

/** Each refused file: its text, the words the error must contain (the field), and extra files. */
const BAD: { case: string; yaml: string; expect: string[]; files?: Record<string, string> }[] = [
  { case: 'an unknown key', yaml: 'name: api\nredis: { image: r, colour: blue }\n', expect: ['redis', 'unknown key "colour"'] },
  {
    case: 'a dependency in a cluster whose network the user installs',
    yaml: 'name: api\ncluster: { kindConfig: k.yaml }\npostgres: { placement: cluster }\n',
    files: { 'k.yaml': 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking: { disableDefaultCNI: true }\n' },
    expect: ['postgres.placement', 'disables the default CNI or kube-proxy', 'use "docker"'],
  },
  {
    case: 'a wait on a kind nothing can wait for',
    yaml: 'name: api\ncluster: {}\ndeploy: { manifests: [m.yaml], wait: [service/api] }\n',
    files: { 'm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: m }\n' },
    expect: ['deploy.wait[0]', 'deployment/<name>', 'job/<name>'],
  },
  { case: 'a wrong type', yaml: 'name: api\ncluster: { workers: two }\n', expect: ['cluster.workers', 'expected number, got string "two"'] },
  { case: 'a bad name', yaml: 'name: Data_Storage\n', expect: ['name:', 'lowercase'] },
  { case: 'a name that is too long', yaml: `name: ${'a'.repeat(31)}\n`, expect: ['name:', 'at most 30'] },
  { case: 'a storage that is neither memory nor disk', yaml: 'name: api\npostgres: { storage: ramdisk }\n', expect: ['postgres.storage: expected "memory" or "disk", got "ramdisk"'] },
  {
    case: 'a bad placement',
    yaml: 'name: api\ncluster: {}\npostgres: { placement: k8s }\n',
    expect: ['postgres.placement: expected "cluster" or "docker", got "k8s"'],
  },
  {
    case: 'placement cluster without a cluster',
    yaml: 'name: api\nredis: { placement: cluster }\n',
    expect: ['redis.placement', 'needs a `cluster` key'],
  },
  { case: 'a missing folder', yaml: 'name: api\npostgres: { migrations: nowhere }\n', expect: ['postgres.migrations', '"nowhere" does not exist'] },
  {
    case: 'a missing manifest file',
    yaml: 'name: api\ncluster: {}\ndeploy: { manifests: [gone.yaml] }\n',
    expect: ['deploy.manifests[0]', '"gone.yaml" does not exist'],
  },
  {
    case: 'a missing Dockerfile',
    yaml: 'name: api\nimages:\n  api: { context: ., dockerfile: no.Dockerfile }\n',
    expect: ['images.api.dockerfile', 'does not exist'],
  },
  {
    case: 'an unknown placeholder in a manifest',
    yaml: 'name: api\ncluster: {}\npostgres: {}\ndeploy: { manifests: [m] }\n',
    files: { 'm/a.yaml': 'kind: ConfigMap\ndata:\n  x: ${POSTGRES_URL}\n  y: ${REDIS_URL}\n' },
    expect: ['deploy.manifests', 'm/a.yaml:4', 'unknown placeholder ${REDIS_URL}'],
  },
  {
    case: 'a kind config that is not a kind Cluster',
    yaml: 'name: api\ncluster: { kindConfig: kind.yaml }\n',
    files: { 'kind.yaml': 'kind: Pod\napiVersion: v1\n' },
    expect: ['cluster.kindConfig', 'kind.yaml: kind is "Pod", expected "Cluster"'],
  },
  {
    case: 'a kind config whose nodes are not a list',
    yaml: 'name: api\ncluster: { kindConfig: kind.yaml }\n',
    files: { 'kind.yaml': 'kind: Cluster\nnodes: { role: worker }\n' },
    expect: ['cluster.kindConfig', 'kind.yaml: nodes must be a list'],
  },
  { case: 'an image entry without context', yaml: 'name: api\nimages:\n  api: { dockerfile: Dockerfile }\n', expect: ['images.api.context', 'is required'] },
  {
    case: 'duplicate names',
    yaml: 'name: api\nimages:\n  api: { context: . }\n  api: { context: . }\n',
    expect: ['line 4: images: duplicate name "api"'],
  },
  {
    case: 'names that collide as variables',
    yaml: 'name: api\nimages:\n  data-store: { context: . }\n  data_store: { context: . }\n',
    expect: ['images.data_store', 'duplicate name', 'IMAGE_DATA_STORE'],
  },
  {
    case: 'an exposed service named like a dependency',
    yaml: 'name: api\ncluster: {}\ndeploy: { manifests: [m.yaml], expose: { postgres: { service: db, port: 5432 } } }\n',
    files: { 'm.yaml': 'kind: ConfigMap\n' },
    expect: ['deploy.expose', '"postgres" and "redis" are the dependencies\' names in the endpoints output'],
  },
  {
    case: 'a kustomize folder without a kustomization file',
    yaml: 'name: api\ncluster: {}\ndeploy: { kustomize: [k] }\n',
    files: { 'k/deployment.yaml': 'kind: Deployment\n' },
    expect: ['deploy.kustomize[0]', 'folder "k" holds no kustomization file (kustomization.yaml, kustomization.yml, Kustomization)'],
  },
  {
    case: 'a chart path that does not exist',
    yaml: 'name: api\ncluster: {}\ndeploy: { helm: [{ chart: charts/nope, release: api }] }\n',
    expect: ['deploy.helm[0].chart', 'chart "charts/nope" does not exist'],
  },
  {
    case: 'a chart whose dependencies need a chart repository at run time',
    yaml: 'name: api\ncluster: {}\ndeploy: { helm: [{ chart: chart, release: api }] }\n',
    files: { 'chart/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.1.0\ndependencies:\n  - name: redis\n    version: 19.x\n    repository: https://charts.bitnami.com/bitnami\n' },
    expect: ['deploy.helm[0].chart', 'depends on redis (from https://charts.bitnami.com/bitnami), which charts/ does not hold', 'helm dependency build'],
  },
  {
    case: 'a helm set value with an unknown placeholder',
    yaml: 'name: api\ncluster: {}\nimages:\n  api: { context: . }\ndeploy:\n  helm:\n    - chart: chart\n      release: api\n      set: { image.tag: "${IMAGE_NOPE}" }\n',
    files: { 'chart/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.1.0\n', Dockerfile: 'FROM scratch\n' },
    expect: ['deploy.helm[0].set', 'unknown placeholder ${IMAGE_NOPE}', 'IMAGE_API'],
  },
  {
    case: 'an unknown placeholder in a helm values file',
    yaml: 'name: api\ncluster: {}\ndeploy: { helm: [{ chart: chart, release: api, values: [v.yaml] }] }\n',
    files: { 'chart/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.1.0\n', 'v.yaml': 'host: ${REDIS_HOST}\n' },
    expect: ['deploy.helm[0].values', 'v.yaml:1', 'unknown placeholder ${REDIS_HOST}'],
  },
  {
    case: 'an unknown placeholder in a kustomize base',
    yaml: 'name: api\ncluster: {}\ndeploy: { kustomize: [overlay] }\n',
    files: { 'overlay/kustomization.yaml': 'resources: [../base]\n', 'base/kustomization.yaml': 'resources: [d.yaml]\n', 'base/d.yaml': 'kind: ConfigMap\ndata: { x: "${POSTGRES_URL}" }\n' },
    expect: ['deploy.kustomize', 'base/d.yaml:2', 'unknown placeholder ${POSTGRES_URL}'],
  },
  {
    case: 'a kustomization that is not valid YAML',
    yaml: 'name: api\ncluster: {}\ndeploy: { kustomize: [k] }\n',
    files: { 'k/kustomization.yaml': 'resources: [a.yaml\n  : {\n' },
    expect: ['deploy.kustomize[0]', 'k/kustomization.yaml is not valid YAML'],
  },
  { case: 'a deploy with nothing to deploy', yaml: 'name: api\ncluster: {}\ndeploy: { wait: [] }\n', expect: ['deploy', 'give manifests, kustomize or helm'] },
  { case: 'an empty file', yaml: '\n  \n', expect: ['the file is empty'] },
  { case: 'a file that is only a comment', yaml: '# nothing here\n', expect: ['the file is empty'] },
  { case: 'a file that is not YAML at all', yaml: 'name: [unclosed\n\t: {\n', expect: ['not valid YAML'] },
  { case: 'a file that is plain text', yaml: 'just some words\n', expect: ['expected a YAML mapping at the top level, got string'] },
  { case: 'an unknown migration tool', yaml: 'name: api\npostgres: { migrations: { path: ., tool: flyway } }\n', expect: ['postgres.migrations', 'flyway'] },
  { case: 'a ledger table for plain SQL', yaml: 'name: api\npostgres: { migrations: { path: ., tool: sql, table: t } }\n', expect: ['postgres.migrations.table', 'plain SQL keeps no ledger'] },
  { case: 'a ledger table that is not a table name', yaml: 'name: api\npostgres: { migrations: { path: ., table: "x; drop" } }\n', expect: ['postgres.migrations', 'must be a table name'] },
  {
    case: 'a migrateCommand placeholder that is not known when migrations run',
    yaml: 'name: api\npostgres: { migrateCommand: [migrate, "${REDIS_URL}"] }\nredis: {}\n',
    expect: ['postgres.migrateCommand[1]', 'unknown placeholder ${REDIS_URL}', 'knows: CLUSTER_NAME, NAMESPACE, POSTGRES_DB'],
  },
];

describe('a bad environment file is refused, naming the field and the file', () => {
  let ws: Workspace;
  let mirror: Server;
  let mirrorHits = 0;
  // Every tool the action could start anything with, first on the processes' PATH: each notes
  // its call, so "nothing started" is seen whether or not this machine has a daemon.
  const tools = mkdtempSync(join(tmpdir(), 'config-test-tools-'));
  const calls = join(tools, 'calls.log');
  const path = `${tools}:${process.env.PATH}`;
  const called = (): string => readFileSync(calls, 'utf8');

  beforeAll(async () => {
    ws = makeWorkspace();
    mirror = createServer((_req, res) => {
      mirrorHits++;
      res.end();
    });
    await new Promise<void>((r) => mirror.listen(0, '127.0.0.1', r));
    writeFileSync(calls, '');
    for (const tool of ['docker', 'podman', 'kind', 'kubectl', 'helm']) writeFileSync(join(tools, tool), `#!/bin/sh\necho "${tool} $*" >> "${calls}"\nexit 127\n`, { mode: 0o755 });
  });
  afterAll(async () => {
    rmSync(tools, { recursive: true, force: true });
    ws.remove();
    await new Promise((r) => mirror.close(r));
  });

  test.each(BAD)('$case', async (bad) => {
    const file = `bad-${BAD.indexOf(bad)}.yaml`;
    writeFileSync(calls, ''); // each case on its own: one that starts something fails alone
    ws.write(file, bad.yaml);
    for (const [p, t] of Object.entries(bad.files ?? {})) ws.write(p, t);

    let err: unknown;
    try {
      loadConfig(file, { workspace: ws.dir });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toContain(file);
    for (const words of bad.expect) expect(message).toContain(words);

    // the CLI and the action, each a process of its own, side by side
    const runner = new RunnerFiles();
    const url = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/{version}/{os}/{arch}`;
    const [cli, action] = await Promise.all([
      runCli(['validate', '-c', file], { cwd: ws.dir, env: { ...process.env, PATH: path } }),
      runAction('main', runner.processEnv({ config: file, 'kind-url': url, 'kubectl-url': url, 'helm-url': url }, { GITHUB_WORKSPACE: ws.dir, PATH: path })),
    ]);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toContain(file);
    for (const words of bad.expect) expect(cli.stderr).toContain(words);

    expect(action.code).not.toBe(0);
    expect(action.stdout).toContain(`::error::${file}`);
    const shown = action.stdout.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%');
    for (const words of bad.expect) expect(shown).toContain(words);
    // Nothing started: no state for post to clean, no download, no docker, kind, kubectl or helm call.
    expect(runner.saved().leg).toBeUndefined();
    expect(mirrorHits).toBe(0);
    expect(called()).toBe('');
  });
});

describe('action inputs', () => {
  test.each([
    ['cleanup', 'sometimes', 'input "cleanup"'],
    ['timeout-minutes', 'soon', 'input "timeout-minutes"'],
    ['kubernetes-version', 'latest', 'input "kubernetes-version"'],
    ['cache', 'maybe', 'input "cache"'],
  ])('a bad %s is refused by name', async (name, value, words) => {
    const ws = makeWorkspace({ 'e2e.yaml': 'name: api\n' });
    const runner = new RunnerFiles();
    const r = await runAction('main', runner.processEnv({ config: 'e2e.yaml', [name]: value }, { GITHUB_WORKSPACE: ws.dir }));
    ws.remove();
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain(words);
    expect(runner.saved().leg).toBeUndefined();
  });
});

describe('migrations are read before anything starts', () => {
  test.each([
    ['examples/datastorage/integration.yaml', 'datastorage-it', 'goose, 3 files'],
    ['examples/billing-it.yaml', 'billing-it', 'golang-migrate, 2 files'],
    ['examples/inventory-it.yaml', 'inventory-it', 'dbmate, 2 files'],
  ])('validate %s names the tool and the file count', async (file, name, what) => {
    const r = await runCli(['validate', '-c', file]);
    expect(r.stdout).toBe(`${file}: valid environment "${name}"; migrations: ${what}\n`);
  });

  test('a file its tool refuses stops validate and the action, naming the file and the line; nothing starts', async () => {
    const ws = makeWorkspace({ 'e2e.yaml': 'name: api\npostgres: { migrations: db }\n', 'db/001_a.sql': '-- +goose Up\nCREATE TABLE a (id int);\nCREATE TABLE b (id int)\n' });
    const cli = await runCli(['validate', '-c', 'e2e.yaml'], { cwd: ws.dir });
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toContain('e2e.yaml: postgres.migrations: db/001_a.sql:3: unexpected unfinished SQL query: "CREATE TABLE b (id int)": missing semicolon?');
    const runner = new RunnerFiles();
    const action = await runAction('main', runner.processEnv({ config: 'e2e.yaml' }, { GITHUB_WORKSPACE: ws.dir }));
    expect(action.code).not.toBe(0);
    expect(action.stdout).toContain('postgres.migrations: db/001_a.sql:3: unexpected unfinished SQL query');
    expect(runner.saved().leg).toBeUndefined();
    ws.remove();
  });
});

describe('warnings that do not stop the run', () => {
  test('an images.*.replaces that no manifest or kustomization resource names is a warning, not an error', async () => {
    const ws = makeWorkspace({
      'e2e.yaml': 'name: api\ncluster: {}\nimages:\n  api: { context: ., replaces: ghcr.io/org/other }\ndeploy: { kustomize: [k] }\n',
      Dockerfile: 'FROM scratch\n',
      'k/kustomization.yaml': 'resources: [d.yaml]\n',
      'k/d.yaml': 'kind: Deployment\nspec: { template: { spec: { containers: [{ name: a, image: ghcr.io/org/api:latest }] } } }\n',
    });
    try {
      const r = await runCli(['validate', '-c', 'e2e.yaml'], { cwd: ws.dir });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('warning: images.api.replaces: no manifest or kustomization resource names "ghcr.io/org/other", so nothing will be replaced');
      ws.write('e2e.yaml', 'name: api\ncluster: {}\nimages:\n  api: { context: ., replaces: ghcr.io/org/api }\ndeploy: { kustomize: [k] }\n');
      const used = await runCli(['validate', '-c', 'e2e.yaml'], { cwd: ws.dir });
      expect(used.code).toBe(0);
      expect(used.stderr).toBe('');
    } finally {
      ws.remove();
    }
  });
});

describe('a cluster whose network the user installs', () => {
  test('places the dependencies beside it, as containers, unless told otherwise', () => {
    const ws = makeWorkspace({
      'e2e.yaml': 'name: api\ncluster: { kindConfig: k.yaml }\npostgres: {}\nredis: {}\n',
      'k.yaml': 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking: { kubeProxyMode: none }\n',
    });
    const c = loadConfig('e2e.yaml', { workspace: ws.dir });
    expect([c.postgres?.placement, c.redis?.placement]).toEqual(['docker', 'docker']);
    ws.remove();
  });
});
