/**
 * helm as the action drives it, against the real helm (built by scripts/cluster-tools.sh): its
 * `--set` values reach the chart exactly as the environment file wrote them, and a kustomization
 * that inflates charts renders through the real kubectl with --enable-helm.
 */
import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ProcessRunner } from '../src/exec/runner.js';
import { Helm } from '../src/kube/helm.js';
import { Kubectl } from '../src/kube/kubectl.js';
import { clusterTools } from './helpers/cluster-tools.js';

function chart(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'chart-')), 'c');
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: c\nversion: 0.1.0\n');
  writeFileSync(join(dir, 'values.yaml'), 'a: from-the-chart\n');
  writeFileSync(join(dir, 'templates/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata:\n  a: {{ .Values.a | quote }}\n  kind: {{ kindOf .Values.a | quote }}\n');
  return dir;
}

describe('helm --set values', () => {
  test('commas, backslashes and a leading brace reach the chart as written', () => {
    const { helm } = clusterTools();
    const dir = chart();
    for (const value of ['x,y\\z', '{a,b}', 'C:\\path\\', 'a=b', 'plain']) {
      const args = Helm.upgradeArgs({ release: 'c', chart: dir, namespace: 'ns', values: [], set: [{ key: 'a', value, as: 'set-string' }] });
      const pair = args[args.indexOf('--set-string') + 1];
      const out = execFileSync(helm, ['template', 'c', dir, '--set-string', pair], { encoding: 'utf8' });
      expect((parse(out) as { data: Record<string, string> }).data).toEqual({ a: value, kind: 'string' });
    }
  });
});

describe('kustomize with helmCharts', () => {
  test('the real kubectl renders a chart a kustomization inflates, with the real helm on PATH', async () => {
    const { helm, kubectl } = clusterTools();
    const root = mkdtempSync(join(tmpdir(), 'kz-helm-'));
    mkdirSync(join(root, 'charts'));
    const dir = chart();
    execFileSync('cp', ['-r', dir, join(root, 'charts/c')]);
    writeFileSync(join(root, 'kustomization.yaml'), 'helmGlobals: { chartHome: charts }\nhelmCharts: [{ name: c, releaseName: r, valuesInline: { a: from-kustomize } }]\n');
    process.env.PATH = `${dirname(helm)}:${dirname(kubectl)}:${process.env.PATH}`;
    const out = await new Kubectl(new ProcessRunner(), '/nonexistent-kubeconfig').kustomize(root, {}, { helm: true });
    expect((parse(out) as { data: Record<string, string> }).data.a).toBe('from-kustomize');
  });
});
