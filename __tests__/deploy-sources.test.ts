/** The deploy sources' unit rules: the kustomize wrapper that puts this run's tags in, and the helm evidence diagnostics keep. */
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

describe('helm evidence', () => {
  test("a release's Secrets are redacted before the manifest is written to diagnostics", async () => {
    const { redactSecrets } = await import('../src/kube/helm.js');
    const out = redactSecrets('---\n# Source: c/templates/s.yaml\napiVersion: v1\nkind: Secret\nmetadata: { name: s }\ndata:\n  password: c2VjcmV0\nstringData:\n  url: postgres://u:p@h/db\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { a: b }\n');
    expect(out).not.toContain('c2VjcmV0');
    expect(out).not.toContain('postgres://');
    expect(out).toContain('password: (redacted)');
    expect(out).toContain('# Source: c/templates/s.yaml');
    expect(out).toContain('data: { a: b }');
    expect(out.match(/^---$/gm)).toHaveLength(2);
    // helm's output is rendered YAML; should a document not parse, a possible Secret is left out, anything else kept
    const broken = redactSecrets('---\nkind: Secret\ndata: { password: {{ c2VjcmV0 }\n---\nkind: ConfigMap\nmetadata: { name: {{ x }}-y }\n');
    expect(broken).not.toContain('c2VjcmV0');
    expect(broken).toContain('a Secret that does not parse as YAML: left out');
    expect(broken).toContain('metadata: { name: {{ x }}-y }');
  });
});
