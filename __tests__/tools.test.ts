import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tc from '@actions/tool-cache';
import { DEFAULT_HELM_VERSION, DEFAULT_KIND_VERSION, DEFAULT_KUBECTL_VERSION, HELM_SHA256, KIND_RELEASES, nodeImageFor } from '../src/tools/releases.js';
import { installHelm, installKind, installKubectl } from '../src/tools/tools.js';
import { currentPlatform } from '../src/tools/platform.js';
import { Mirror } from './helpers/mirror.js';

const platform = currentPlatform();
const fast = { attempts: 3, backoffMs: 10, timeoutMs: 500 };
let mirror: Mirror;
let temp: string;

beforeAll(async () => {
  mirror = await new Mirror().start();
});
afterAll(() => mirror.stop());
beforeEach(() => {
  // a fresh, empty tool-cache for every test
  temp = mkdtempSync(join(tmpdir(), 'tools-'));
  process.env.RUNNER_TOOL_CACHE = join(temp, 'tool-cache');
  process.env.RUNNER_TEMP = join(temp, 'temp');
  mirror.requests.length = 0;
  mirror.faults.clear();
  mirror.bodies.clear();
});

const ctx = () => ({ platform, tempDir: join(temp, 'downloads'), retry: fast });
const kindPath = (v: string) => `/kind/${v}/kind-${platform.os}-${platform.arch}`;
const kubectlPath = (v: string) => `/k8s/release/${v}/bin/${platform.os}/${platform.arch}/kubectl`;

const helmPath = (v: string) => `/helm/helm-${v}-${platform.os}-${platform.arch}.tar.gz`;

describe('installing helm (a .tar.gz, as get.helm.sh ships it)', () => {
  test('first install downloads, verifies against .sha256sum, unpacks <os>-<arch>/helm and caches it', async () => {
    const got = await installHelm({ version: 'v3.99.1', urlTemplate: mirror.helmUrl }, ctx());
    expect(got).toMatchObject({ tool: 'helm', version: 'v3.99.1', cached: false });
    expect(mirror.requests).toEqual([helmPath('v3.99.1'), `${helmPath('v3.99.1')}.sha256sum`]);
    const bin = join(got.dir, 'helm');
    expect(readFileSync(bin)).toEqual(mirror.binary(helmPath('v3.99.1')));
    execFileSync(bin);
    expect(tc.find('helm', '3.99.1', platform.arch)).toBe(got.dir);
    expect(readdirSync(join(temp, 'downloads'))).toEqual([]); // the archive and what it unpacked are gone
  });

  test('a tool-cache hit makes no request', async () => {
    await installHelm({ version: 'v3.99.2', urlTemplate: mirror.helmUrl }, ctx());
    mirror.requests.length = 0;
    expect(await installHelm({ version: '3.99.2', urlTemplate: mirror.helmUrl }, ctx())).toMatchObject({ cached: true });
    expect(mirror.requests).toEqual([]);
  });

  test('a checksum mismatch is refused and caches nothing', async () => {
    mirror.faults.set(`${helmPath('v3.99.3')}.sha256sum`, [{ status: 200, body: `${'0'.repeat(64)}  helm.tar.gz\n` }]);
    await expect(installHelm({ version: 'v3.99.3', urlTemplate: mirror.helmUrl }, ctx())).rejects.toThrow(`helm v3.99.3: sha256 mismatch for ${mirror.base}${helmPath('v3.99.3')}`);
    expect(tc.findAllVersions('helm', platform.arch)).toEqual([]);
  });

  // a version without a pin (as v3.99.3 above) fetches the checksum file; the default has a pin for this platform, else this is skipped
  const pinned = HELM_SHA256[DEFAULT_HELM_VERSION][`${platform.os}-${platform.arch}` as 'linux-amd64'];
  (pinned ? test : test.skip)('the pinned default is checked against the sha256 from its release notes, and no checksum file is fetched', async () => {
    const err = (await installHelm({ urlTemplate: mirror.helmUrl }, ctx()).catch((e: Error) => e)) as Error;
    expect(err.message).toContain(`expected ${pinned} (from the built-in pin)`);
    expect(mirror.requests).toEqual([helmPath(DEFAULT_HELM_VERSION)]);
  });

  test('an HTML page instead of the archive is refused with a clear message', async () => {
    mirror.bodies.set(helmPath('v3.99.4'), '<!DOCTYPE html><html><body>Sign in</body></html>');
    await expect(installHelm({ version: 'v3.99.4', urlTemplate: mirror.helmUrl }, ctx())).rejects.toThrow(
      `helm: ${mirror.base}${helmPath('v3.99.4')} answered with an HTML page, not a .tar.gz archive; check the URL or the mirror`,
    );
    expect(tc.findAllVersions('helm', platform.arch)).toEqual([]);
  });

  test('an archive without <os>-<arch>/helm is refused, naming what is missing', async () => {
    mirror.bodies.set(helmPath('v3.99.6'), execFileSync('sh', ['-c', 'd=$(mktemp -d); echo x > "$d/README.md"; tar -czf - -C "$d" README.md']));
    await expect(installHelm({ version: 'v3.99.6', urlTemplate: mirror.helmUrl }, ctx())).rejects.toThrow(`helm v3.99.6: ${mirror.base}${helmPath('v3.99.6')} holds no ${platform.os}-${platform.arch}/helm`);
    expect(tc.findAllVersions('helm', platform.arch)).toEqual([]);
  });

  test('a 404 fails at once, naming the URL', async () => {
    mirror.faults.set(helmPath('v3.99.5'), [{ status: 404, body: 'Not Found' }]);
    await expect(installHelm({ version: 'v3.99.5', urlTemplate: mirror.helmUrl }, ctx())).rejects.toThrow(`GET ${mirror.base}${helmPath('v3.99.5')}: HTTP 404 Not Found`);
    expect(mirror.requests).toEqual([helmPath('v3.99.5')]);
  });
});

describe('installing kind and kubectl', () => {
  test('first install downloads, verifies against the checksum file, and caches a runnable binary', async () => {
    const got = await installKind({ version: '0.99.1', urlTemplate: mirror.kindUrl }, ctx());
    expect(got).toMatchObject({ tool: 'kind', version: 'v0.99.1', cached: false, url: `${mirror.base}${kindPath('v0.99.1')}` });
    expect(mirror.requests).toEqual([kindPath('v0.99.1'), `${kindPath('v0.99.1')}.sha256sum`]);
    expect(got.dir.startsWith(process.env.RUNNER_TOOL_CACHE!)).toBe(true);
    const bin = join(got.dir, 'kind');
    expect(readFileSync(bin)).toEqual(mirror.binary(kindPath('v0.99.1')));
    execFileSync(bin); // an executable that runs (the mirror serves a real ELF)
    expect(tc.find('kind', '0.99.1', platform.arch)).toBe(got.dir);
  });

  test('a second install makes zero HTTP requests', async () => {
    await installKubectl({ version: 'v1.99.0', urlTemplate: mirror.kubectlUrl }, ctx());
    mirror.requests.length = 0;
    const again = await installKubectl({ version: '1.99.0', urlTemplate: mirror.kubectlUrl }, ctx());
    expect(again.cached).toBe(true);
    expect(mirror.requests).toEqual([]);
  });

  test('kubectl verifies against <url>.sha256 holding only the hash', async () => {
    await installKubectl({ version: 'v1.99.2', urlTemplate: mirror.kubectlUrl }, ctx());
    expect(mirror.requests).toEqual([kubectlPath('v1.99.2'), `${kubectlPath('v1.99.2')}.sha256`]);
  });

  test('a checksum mismatch fails, names the tool and the URL, and leaves nothing in the tool-cache', async () => {
    mirror.faults.set(`${kindPath('v0.99.3')}.sha256sum`, [{ status: 200, body: `${'0'.repeat(64)}  kind-linux-amd64\n` }]);
    const err = (await installKind({ version: 'v0.99.3', urlTemplate: mirror.kindUrl }, ctx()).catch((e: Error) => e)) as Error;
    expect(err.message).toContain('kind v0.99.3: sha256 mismatch');
    expect(err.message).toContain(`${mirror.base}${kindPath('v0.99.3')}`);
    expect(tc.findAllVersions('kind', platform.arch)).toEqual([]);
    expect(existsSync(join(process.env.RUNNER_TOOL_CACHE!, 'kind'))).toBe(false);
    expect(readdirSync(join(temp, 'downloads'))).toEqual([]); // the download itself is gone too
  });

  test('the pinned default is checked against the built-in table, not a file the mirror serves', async () => {
    const err = (await installKind({ urlTemplate: mirror.kindUrl }, ctx()).catch((e: Error) => e)) as Error;
    const pinned = KIND_RELEASES[DEFAULT_KIND_VERSION].sha256![`${platform.os}-${platform.arch}`];
    expect(err.message).toContain(`expected ${pinned} (from the built-in pin)`);
    expect(mirror.requests).toEqual([kindPath(DEFAULT_KIND_VERSION)]);
    expect(tc.findAllVersions('kind', platform.arch)).toEqual([]);
  });

  test('an HTML page instead of a binary is refused with a clear message', async () => {
    mirror.bodies.set(kindPath('v0.99.4'), '<!DOCTYPE html><html><body>Sign in to continue</body></html>');
    const err = (await installKind({ version: 'v0.99.4', urlTemplate: mirror.kindUrl }, ctx()).catch((e: Error) => e)) as Error;
    expect(err.message).toBe(`kind: ${mirror.base}${kindPath('v0.99.4')} answered with an HTML page, not a ${platform.os} executable; check the URL or the mirror`);
    expect(tc.findAllVersions('kind', platform.arch)).toEqual([]);
  });

  test('a body that is not an executable is refused', async () => {
    mirror.bodies.set(kubectlPath('v1.99.5'), 'PK\u0003\u0004 a zip, say');
    await expect(installKubectl({ version: 'v1.99.5', urlTemplate: mirror.kubectlUrl }, ctx())).rejects.toThrow(
      `kubectl: ${mirror.base}${kubectlPath('v1.99.5')} is not a ${platform.os} executable (it starts with 0x504b0304)`,
    );
  });

  test('a 404 fails at once, without retries, naming the version and the URL', async () => {
    mirror.faults.set(kindPath('v0.99.5'), [{ status: 404, body: 'Not Found' }]);
    const err = (await installKind({ version: 'v0.99.5', urlTemplate: mirror.kindUrl }, ctx()).catch((e: Error) => e)) as Error;
    expect(err.message).toBe(`GET ${mirror.base}${kindPath('v0.99.5')}: HTTP 404 Not Found`);
    expect(err.message).toContain('v0.99.5');
    expect(mirror.requests).toEqual([kindPath('v0.99.5')]);
  });

  test('a 503 followed by a 200 succeeds', async () => {
    mirror.faults.set(kindPath('v0.99.6'), [{ status: 503 }]);
    const got = await installKind({ version: 'v0.99.6', urlTemplate: mirror.kindUrl }, ctx());
    expect(got.cached).toBe(false);
    expect(mirror.requests.filter((p) => p === kindPath('v0.99.6'))).toHaveLength(2);
  });

  test('a 429 is retried after its Retry-After', async () => {
    mirror.faults.set(kubectlPath('v1.99.6'), [{ status: 429, headers: { 'retry-after': '1' } }]);
    const started = Date.now();
    await installKubectl({ version: 'v1.99.6', urlTemplate: mirror.kubectlUrl }, ctx());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(mirror.requests.filter((p) => p === kubectlPath('v1.99.6'))).toHaveLength(2);
  });

  test('a timeout is retried', async () => {
    mirror.faults.set(kindPath('v0.99.7'), [{ hangMs: 1500 }]);
    const got = await installKind({ version: 'v0.99.7', urlTemplate: mirror.kindUrl }, ctx());
    expect(got.cached).toBe(false);
    expect(mirror.requests.filter((p) => p === kindPath('v0.99.7'))).toHaveLength(2);
  });

  test('5xx every time gives up after the set attempts, saying so', async () => {
    mirror.faults.set(kindPath('v0.99.8'), [{ status: 502 }, { status: 502 }, { status: 502 }]);
    await expect(installKind({ version: 'v0.99.8', urlTemplate: mirror.kindUrl }, ctx())).rejects.toThrow(
      `GET ${mirror.base}${kindPath('v0.99.8')}: HTTP 502 Bad Gateway (gave up after 3 attempts)`,
    );
  });

  test('a minor such as 1.34 resolves to a full patch version through stable-1.34.txt', async () => {
    const got = await installKubectl({ version: '1.34', urlTemplate: mirror.kubectlUrl }, ctx());
    expect(got.version).toBe('v1.34.7');
    expect(mirror.requests[0]).toBe('/k8s/release/stable-1.34.txt');
    expect(mirror.requests[1]).toBe(kubectlPath('v1.34.7'));
  });

  test('a minor whose stable file cannot be reached falls back to the tool-cache, else fails by name', async () => {
    await expect(installKubectl({ version: '1.77', urlTemplate: mirror.kubectlUrl }, ctx())).rejects.toThrow(
      'kubectl-version 1.77: cannot resolve it: GET',
    );
    await installKubectl({ version: 'v1.77.3', urlTemplate: mirror.kubectlUrl }, ctx());
    const warnings: string[] = [];
    const got = await installKubectl({ version: '1.77', urlTemplate: mirror.kubectlUrl }, { ...ctx(), warn: (m) => warnings.push(m) });
    expect(got).toMatchObject({ version: 'v1.77.3', cached: true });
    expect(warnings[0]).toContain('using v1.77.3 from the tool-cache');
  });

  test('the pinned defaults hang together: kubectl matches the default Kubernetes minor', () => {
    const release = KIND_RELEASES[DEFAULT_KIND_VERSION];
    expect(DEFAULT_KUBECTL_VERSION.split('.').slice(0, 2)).toEqual(release.defaultKubernetes.split('.').slice(0, 2));
    expect(nodeImageFor(DEFAULT_KIND_VERSION)).toBe(release.nodeImages[release.defaultKubernetes]);
    expect(nodeImageFor(DEFAULT_KIND_VERSION)).toMatch(/^kindest\/node:v\d+\.\d+\.\d+@sha256:[a-f0-9]{64}$/);
    // a version the release does not list is refused, not guessed as a plain tag built for another release
    expect(() => nodeImageFor(DEFAULT_KIND_VERSION, 'v1.20.0')).toThrow('Kubernetes v1.20.0 has no node image in kind v0.32.0');
    expect(nodeImageFor(DEFAULT_KIND_VERSION, undefined, 'registry.local/node:x')).toBe('registry.local/node:x');
  });
});

