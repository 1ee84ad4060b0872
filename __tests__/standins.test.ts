/** The kubectl and helm stand-ins refuse what the API server, kubectl and helm refuse, so the tests cannot pass on what the real tools reject. */
import { beforeEach, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Helm } from '../src/kube/helm.js';
import { ROOT } from './helpers/run.js';

let kubeconfig: string;
const kubectl = (args: string[], input = '') =>
  spawnSync(join(ROOT, '__tests__/bin/kubectl'), ['--kubeconfig', kubeconfig, ...args], { input, encoding: 'utf8', env: { ...process.env, STANDIN_LOG: '' } });
const state = (file: string) => JSON.parse(readFileSync(join(`${kubeconfig}.standin`, file), 'utf8')) as Record<string, unknown>;

beforeEach(() => {
  kubeconfig = join(mkdtempSync(join(tmpdir(), 'standin-')), 'kubeconfig');
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters:\n- cluster: { server: "https://127.0.0.1:6443" }\n  name: kind-unit\n');
  expect(kubectl(['apply', '--namespace', 'app', '--filename', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata: { name: app }\n').status).toBe(0);
});

describe('the kubectl stand-in', () => {
  test('an object without a namespace lands in --namespace; one naming another is refused as kubectl does', () => {
    expect(kubectl(['apply', '--namespace', 'app', '--filename', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { a: "1" }\n').status).toBe(0);
    expect(state('ConfigMap_app_c.json')).toMatchObject({ metadata: { name: 'c', namespace: 'app' } });
    const r = kubectl(['apply', '--namespace', 'app', '--filename', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: d, namespace: other }\n');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('the namespace from the provided object "other" does not match the namespace "app"');
  });

  test('a number in a string field is refused, and nothing of that apply is kept', () => {
    const deployment = (value: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: api }\nspec:\n  selector: { matchLabels: { app: api } }\n  template:\n    metadata: { labels: { app: api } }\n    spec:\n      containers: [{ name: api, image: api:1, env: [{ name: P, value: ${value} }] }]\n`;
    const r = kubectl(['apply', '--namespace', 'app', '--filename', '-'], `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: first }\n---\n${deployment('5432')}`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('The Deployment "api" is invalid: spec.template.spec.containers.0.env.0.value must be string');
    expect(existsSync(join(`${kubeconfig}.standin`, 'ConfigMap_app_first.json'))).toBe(false);
    expect(kubectl(['apply', '--namespace', 'app', '--filename', '-'], deployment('"5432"')).status).toBe(0);
  });

  test('a Service with two ports must name each; a patch adding an unnamed port is refused', () => {
    const unnamed = kubectl(['apply', '--namespace', 'app', '--filename', '-'], 'apiVersion: v1\nkind: Service\nmetadata: { name: s }\nspec: { ports: [{ port: 80 }, { port: 90 }] }\n');
    expect(unnamed.status).not.toBe(0);
    expect(unnamed.stderr).toContain('The Service "s" is invalid: spec.ports[0].name: Required value, spec.ports[1].name: Required value');
    expect(kubectl(['apply', '--namespace', 'app', '--filename', '-'], 'apiVersion: v1\nkind: Service\nmetadata: { name: s }\nspec: { ports: [{ name: http, port: 80 }, { name: metrics, port: 90 }] }\n').status).toBe(0);
    // ports merge by `port`: 8080 is not one of them, so it is appended without a name
    const wrong = kubectl(['patch', 'service', 's', '--namespace', 'app', '--patch', '{"spec":{"type":"NodePort","ports":[{"port":8080,"nodePort":30010}]}}']);
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toContain('spec.ports[2].name: Required value');
    expect(kubectl(['patch', 'service', 's', '--namespace', 'app', '--patch', '{"spec":{"type":"NodePort","ports":[{"port":80,"nodePort":30010}]}}']).status).toBe(0);
    expect((state('Service_app_s.json').spec as { ports: unknown[] }).ports).toEqual([{ name: 'http', port: 80, nodePort: 30010 }, { name: 'metrics', port: 90 }]);
  });
});

describe('the helm stand-in', () => {
  // its flag table is helm v3.21.4's (cmd/helm/upgrade.go, flags.go, pkg/cli/environment.go): see helm.mjs
  const helm = (args: string[]) => spawnSync('node', [join(ROOT, '__tests__/bin/standin/helm.mjs'), ...args], { encoding: 'utf8' });

  test('refuses a flag helm upgrade lacks, with helm\'s words', () => {
    const r = helm(['upgrade', '--install', 'x', ROOT, '--kubeconfig', '/nonexistent', '--wait-for-everything']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('unknown flag: --wait-for-everything');
  });

  test('accepts the command line the action builds', () => {
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'helm-')), 'kubeconfig');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
    const chart = join(mkdtempSync(join(tmpdir(), 'chart-')), 'c');
    mkdirSync(chart);
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: c\nversion: 0.1.0\n');
    const args = [...Helm.upgradeArgs({ release: 'c', chart, namespace: 'ns', values: [], set: [{ key: 'image.tag', value: 'svc:e2e-1', as: 'set-string' }, { key: 'replicas', value: '2', as: 'set' }] }), '--kubeconfig', kubeconfig];
    const r = helm(args);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Release "c" does not exist. Installing it now.');
    expect(helm(['status', 'c', '--namespace', 'ns', '--kubeconfig', kubeconfig]).stdout).toContain('STATUS: deployed');
  });
});
