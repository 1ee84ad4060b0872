/** The download URL inputs: plain http only for a mirror on this machine (#26, item 4). */
import { describe, expect, test } from '@jest/globals';
import { InputError, parseInputs } from '../src/config/inputs.js';

const parse = (values: Record<string, string>) => parseInputs((name) => ({ config: 'e2e.yaml', ...values })[name] ?? '');

describe('kind-url, kubectl-url and helm-url', () => {
  test('plain http to another host is refused, naming the input', () => {
    for (const name of ['kind-url', 'kubectl-url', 'helm-url']) {
      expect(() => parse({ [name]: 'http://mirror.example.com/kind/{version}/kind-{os}-{arch}' })).toThrow(InputError);
      expect(() => parse({ [name]: 'http://mirror.example.com/x/{version}' })).toThrow(`input "${name}": plain http is only for a mirror on this machine`);
    }
    // a loopback lookalike is another host
    expect(() => parse({ 'kind-url': 'http://127.0.0.1.example.com/{version}' })).toThrow('plain http');
  });

  test('https anywhere, and plain http on loopback, are accepted', () => {
    for (const url of ['https://mirror.example.com/{version}', 'http://127.0.0.1:8080/{version}', 'http://localhost/{version}', 'http://[::1]:9000/{version}']) {
      expect(parse({ 'kind-url': url }).kindUrl).toBe(url);
    }
  });
});
