/**
 * Images into kind's nodes. kind's own `load docker-image` saves every platform an image's index
 * lists, and containerd's `ctr images import --all-platforms` on the node refuses the archive
 * when some are absent (kind issue #3795): the default postgres and redis images on Docker's
 * containerd image store. Here a two-platform OCI archive, one platform's content absent, is
 * built by hand: the stand-in node refuses it as ctr does, and the action's own path (a save for
 * the node's platform, then `kind load image-archive`) loads one platform.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessRunner } from '../src/exec/runner.js';
import { Kind } from '../src/kube/kind.js';
import { preloadImage } from '../src/setup/steps/preload-image.js';
import { harness, taskWith } from './helpers/step-harness.js';
import { readRecords } from './helpers/standins.js';
import { ROOT } from './helpers/run.js';
import { makeWorkspace, type Workspace } from './helpers/workspace.js';

const IMAGE = 'ds-e2e-test/two-platforms:1';
const KIND = join(ROOT, '__tests__/bin/kind');
let dir: string;
let ws: Workspace;
let archive: string;
let absent: string;
let cluster: string;
const log = () => join(dir, 'standin.log');

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** An OCI image layout with an index of two platforms (linux/amd64 present, linux/arm64 absent), plus docker's manifest.json for `docker load`. */
function twoPlatformArchive(): { file: string; absent: string } {
  const build = join(dir, 'build');
  mkdirSync(build);
  writeFileSync(join(build, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /\n');
  writeFileSync(join(build, 'hello.txt'), 'one platform of two\n');
  execFileSync('docker', ['build', '--quiet', '--tag', 'ds-e2e-test/two-platforms:source', build], { stdio: 'pipe', env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  const saved = join(dir, 'saved');
  mkdirSync(saved);
  execFileSync('docker', ['save', '--output', join(dir, 'saved.tar'), 'ds-e2e-test/two-platforms:source']);
  execFileSync('tar', ['-xf', join(dir, 'saved.tar'), '-C', saved]);
  const [m] = JSON.parse(readFileSync(join(saved, 'manifest.json'), 'utf8')) as { Config: string; Layers: string[] }[];
  const oci = join(dir, 'oci');
  mkdirSync(join(oci, 'blobs/sha256'), { recursive: true });
  const put = (data: Buffer | string): { digest: string; size: number } => {
    const hex = sha(data);
    writeFileSync(join(oci, 'blobs/sha256', hex), data);
    return { digest: `sha256:${hex}`, size: Buffer.byteLength(data) };
  };
  const config = put(readFileSync(join(saved, m.Config)));
  const layer = put(readFileSync(join(saved, m.Layers[0])));
  const manifest = put(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
    }),
  );
  const missing = `sha256:${sha('the arm64 manifest, never pulled')}`;
  writeFileSync(join(oci, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(oci, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, platform: { os: 'linux', architecture: 'amd64' }, annotations: { 'io.containerd.image.name': IMAGE } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: missing, size: 500, platform: { os: 'linux', architecture: 'arm64' } },
      ],
    }),
  );
  // what Docker's containerd store writes beside the index, so the classic `docker load` takes it too
  writeFileSync(join(oci, 'manifest.json'), JSON.stringify([{ Config: `blobs/sha256/${config.digest.slice(7)}`, RepoTags: [IMAGE], Layers: [`blobs/sha256/${layer.digest.slice(7)}`] }]));
  const file = join(dir, 'two-platforms.tar');
  execFileSync('tar', ['-cf', file, '-C', oci, '.']);
  execFileSync('docker', ['rmi', '--force', 'ds-e2e-test/two-platforms:source'], { stdio: 'pipe' });
  return { file, absent: missing };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'image-load-'));
  ({ file: archive, absent } = twoPlatformArchive());
  execFileSync('docker', ['load', '--input', archive], { stdio: 'pipe' });
  ws = makeWorkspace({ 'e2e.yaml': 'name: imgload\ncluster: {}\n' });
  process.env.STANDIN_LOG = log();
  process.env.PATH = `${join(ROOT, '__tests__/bin')}:${process.env.PATH}`;
  cluster = `imgload-${process.pid}`;
  execFileSync(KIND, ['create', 'cluster', '--name', cluster, '--kubeconfig', join(dir, 'kubeconfig')], { env: { ...process.env, STANDIN_KIND_CREATE_MS: '0' }, stdio: 'pipe' });
});
afterAll(() => {
  execFileSync(KIND, ['delete', 'cluster', '--name', cluster], { stdio: 'pipe' });
  spawnSync('docker', ['rmi', '--force', IMAGE], { stdio: 'pipe' });
  delete process.env.STANDIN_LOG;
  ws.remove();
  rmSync(dir, { recursive: true, force: true });
});

test('an archive whose index lists a platform it does not hold is refused by the node, as ctr refuses it', () => {
  const r = spawnSync(KIND, ['load', 'image-archive', archive, '--name', cluster], { encoding: 'utf8' });
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain(`ctr: content digest ${absent}: not found`);
});

test('the action saves the node\'s platform only and loads that archive', async () => {
  const h = harness(ws, 'e2e.yaml', {}, new ProcessRunner());
  // the stand-in cluster made above, not the one this environment would name
  const ctx = { ...h.ctx, cluster: h.ctx.cluster && { ...h.ctx.cluster, kind: new Kind(new ProcessRunner(), cluster) } };
  const pulled = { ref: IMAGE, localRef: IMAGE, source: 'present' as const };
  const before = readRecords(log()).length;
  await preloadImage.run({ kind: 'preload-image', dep: 'postgres', fromPull: 'pull:postgres' }, ctx, taskWith({ 'pull:postgres': ['pull-image', pulled] }));
  const loads = readRecords(log()).slice(before).filter((r) => r.tool === 'kind' && r.args[1] === 'image-archive');
  expect(loads).toHaveLength(1);
  expect(loads[0].code).toBe(0);
  // one image; no index that names platforms the archive lacks
  expect(loads[0].archive).toEqual({ images: [IMAGE], platforms: [] });
});
