/** The contract checks themselves bite: a command line the real tools refuse is reported. */
import { describe, expect, test } from '@jest/globals';
import { kindParseError } from './helpers/kind-flags.js';
import { kubectlParseError, newestKubectl } from './helpers/real-kubectl.js';
import type { StandinRecord } from './helpers/standins.js';

const rec = (tool: 'kind' | 'kubectl', args: string[], objects?: Record<string, unknown>[]): StandinRecord => ({ tool, args, start: 0, end: 0, code: 0, objects });

describe('the real kubectl client', () => {
  const kubectl = newestKubectl();
  const maybe = kubectl ? test : test.skip;
  if (!kubectl) console.warn('skipped: no kubectl client on this machine');

  maybe('accepts what we run and refuses an unknown flag, command or bad object', () => {
    const k = kubectl as string;
    expect(kubectlParseError(k, rec('kubectl', ['--kubeconfig', '/x', 'rollout', 'status', 'deployment/api', '--namespace', 'n', '--timeout=300s']))).toBeUndefined();
    expect(kubectlParseError(k, rec('kubectl', ['--kubeconfig', '/x', 'apply', '--filename', '-'], [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } }]))).toBeUndefined();
    expect(kubectlParseError(k, rec('kubectl', ['--kubeconfig', '/x', 'rollout', 'status', 'deployment/api', '--within=5s']))).toContain('unknown flag: --within');
    expect(kubectlParseError(k, rec('kubectl', ['--kubeconfig', '/x', 'rollout', 'wait', 'deployment/api']))).toContain('unknown command "wait deployment/api"');
    expect(kubectlParseError(k, rec('kubectl', ['--kubeconfig', '/x', 'apply', '--filename', '-'], [{ kind: 'Namespace' }]))).toContain('apiVersion not set');
  });
});

describe('kind v0.32.0 command lines', () => {
  test('accepts what we run and refuses what kind lacks', () => {
    expect(kindParseError(['create', 'cluster', '--name', 'x', '--config', 'k.yaml', '--kubeconfig', 'kc', '--wait', '120s', '--retain'])).toBeUndefined();
    expect(kindParseError(['delete', 'cluster', '--name', 'x', '--kubeconfig', 'kc'])).toBeUndefined();
    expect(kindParseError(['load', 'docker-image', 'a:1', 'b:2', '--name', 'x'])).toBeUndefined();
    expect(kindParseError(['export', 'logs', '/tmp/d', '--name', 'x'])).toBeUndefined();
    expect(kindParseError(['load', 'docker-image', '--name', 'x'])).toContain('takes 1..Infinity arguments, got 0');
    expect(kindParseError(['delete', 'cluster', '--all'])).toContain('unknown flag: --all (pkg/cmd/kind/delete/cluster/deletecluster.go)');
    expect(kindParseError(['get', 'nodes'])).toContain('unknown command');
    expect(kindParseError(['create', 'cluster', '--name'])).toContain('flag needs an argument');
  });
});
