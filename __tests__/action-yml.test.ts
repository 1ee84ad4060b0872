import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_KIND_URL, DEFAULT_KIND_VERSION, DEFAULT_KUBECTL_URL, DEFAULT_KUBECTL_VERSION, DEFAULT_HELM_URL, DEFAULT_HELM_VERSION } from '../src/tools/releases.js';
import { ROOT } from './helpers/run.js';

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'));

test('action.yml runs on node24 with a post step that always runs', () => {
  expect(action.runs).toEqual({ using: 'node24', main: 'dist/main/index.js', post: 'dist/post/index.js', 'post-if': 'always()' });
});

test('action.yml declares every input and output of the contract, each described', () => {
  const inputs = ['mode', 'configs', 'axes', 'base', 'config', 'kubernetes-version', 'node-image', 'cluster-name', 'kind-version', 'kubectl-version', 'kind-url', 'kubectl-url', 'helm-version', 'helm-url', 'cache', 'cleanup', 'timeout-minutes', 'matrix'];
  const outputs = ['cluster-name', 'kubeconfig', 'namespace', 'endpoints', 'postgres-url', 'redis-url', 'service-url', 'images', 'timings', 'diagnostics-dir', 'matrix', 'any'];
  expect(Object.keys(action.inputs).sort()).toEqual([...inputs].sort());
  expect(Object.keys(action.outputs).sort()).toEqual([...outputs].sort());
  for (const i of Object.values(action.inputs) as { description: string }[]) expect(i.description.length).toBeGreaterThan(10);
  for (const o of Object.values(action.outputs) as { description: string }[]) expect(o.description.length).toBeGreaterThan(10);
  expect(action.inputs.matrix.default).toBe('${{ toJSON(matrix) }}');
  expect(action.inputs.cache.default).toBe('true');
  expect(action.inputs.cleanup.default).toBe('always');
});

test('the defaults in action.yml are the ones the code pins', () => {
  expect(action.inputs['kind-version'].default).toBe(DEFAULT_KIND_VERSION);
  expect(action.inputs['kubectl-version'].default).toBe(DEFAULT_KUBECTL_VERSION);
  expect(action.inputs['kind-url'].default).toBe(DEFAULT_KIND_URL);
  expect(action.inputs['kubectl-url'].default).toBe(DEFAULT_KUBECTL_URL);
  expect(action.inputs['helm-version'].default).toBe(DEFAULT_HELM_VERSION);
  expect(action.inputs['helm-url'].default).toBe(DEFAULT_HELM_URL);
});
