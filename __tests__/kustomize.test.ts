/** The wrapper kustomization that puts this run's tags in: kustomize's own images entries, a relative resource. */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { imageEntry, wrapKustomization } from '../src/kube/kustomize.js';

describe('kustomize images', () => {
  test('a built tag splits into newName and newTag at the last colon after the last slash', () => {
    expect(imageEntry({ name: 'ghcr.io/org/api', tag: 'api:e2e-0123' })).toEqual({ name: 'ghcr.io/org/api', newName: 'api', newTag: 'e2e-0123' });
    expect(imageEntry({ name: 'api', tag: 'localhost:5000/team/api:e2e-9' })).toEqual({ name: 'api', newName: 'localhost:5000/team/api', newTag: 'e2e-9' });
    expect(imageEntry({ name: 'api', tag: 'localhost:5000/team/api' })).toEqual({ name: 'api', newName: 'localhost:5000/team/api' });
  });

  test('the wrapper names the folder relative to itself (kustomize refuses an absolute root)', () => {
    const root = mkdtempSync(join(tmpdir(), 'kz-'));
    const dir = wrapKustomization(join(root, 'repo/deploy/overlays/e2e'), join(root, 'runner/leg/kustomize/0'), [{ name: 'ghcr.io/org/api', tag: 'api:e2e-1' }]);
    const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Record<string, unknown>;
    expect(k).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['../../../../repo/deploy/overlays/e2e'],
      images: [{ name: 'ghcr.io/org/api', newName: 'api', newTag: 'e2e-1' }],
    });
  });
});
