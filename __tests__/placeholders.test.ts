/** Filling a manifest's placeholders keeps what kubectl would read from the file as written. */
import { describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { findPlaceholders, substitute, substituteYaml } from '../src/config/placeholders.js';

const SECRET_VOLUME = `apiVersion: v1
kind: Pod
metadata: { name: app }   # a flow mapping, and a comment
spec:
  volumes:
    - name: certs
      secret: { secretName: certs, defaultMode: 0644 }
  containers:
    - name: app
      image: \${IMAGE_APP}
`;

describe('substituteYaml', () => {
  test('a manifest with no placeholder is handed on exactly as written', () => {
    const text = SECRET_VOLUME.replace('${IMAGE_APP}', 'app:1');
    expect(substituteYaml(text, {})).toBe(text);
  });

  test('an octal mode keeps its YAML 1.1 meaning (0644 is 420), as kubectl reads it', () => {
    const out = substituteYaml(SECRET_VOLUME, { IMAGE_APP: 'app:e2e-1' });
    expect(out).toContain('defaultMode: 0644');
    const pod = parse(out, { version: '1.1' }) as { spec: { volumes: { secret: { defaultMode: number } }[]; containers: { image: string }[] } };
    expect(pod.spec.volumes[0].secret.defaultMode).toBe(0o644);
    expect(pod.spec.containers[0].image).toBe('app:e2e-1');
  });

  test('YAML 1.1 words keep their meaning too: yes stays a boolean, a quoted one a string', () => {
    const out = substituteYaml('a: yes\nb: "yes"\nc: ${X}\n', { X: 'on' });
    expect(parse(out, { version: '1.1' })).toEqual({ a: true, b: 'yes', c: 'on' });
  });
});

describe('the $${X} escape', () => {
  test('keeps a literal ${X} (a shell variable in a third-party manifest), in a flow mapping too', () => {
    const text = 'script: "cp a $${TMP}; echo ${NAMESPACE}"\nflow: { tmp: $${TMP} }\n';
    expect(parse(substituteYaml(text, { NAMESPACE: 'app-e2e' }), { version: '1.1' })).toEqual({ script: 'cp a ${TMP}; echo app-e2e', flow: { tmp: '${TMP}' } });
  });

  test('is no placeholder: findPlaceholders skips it, substitute unescapes it', () => {
    expect(findPlaceholders('a: $${TMP}\nb: ${NAMESPACE}\n')).toEqual([{ name: 'NAMESPACE', line: 2 }]);
    expect(substitute('x $${TMP} ${NAMESPACE}', { NAMESPACE: 'ns' })).toBe('x ${TMP} ns');
  });
});
