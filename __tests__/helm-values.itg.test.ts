/**
 * `--set` values against the real helm (built by scripts/cluster-tools.sh): what the action
 * passes reaches the chart exactly as the environment file wrote it.
 */
import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Helm } from '../src/kube/helm.js';
import { clusterTools } from './helpers/cluster-tools.js';

function chart(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'chart-')), 'c');
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: c\nversion: 0.1.0\n');
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
