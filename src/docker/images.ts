/**
 * Makes sure an image is on the host: present, else restored from the cache, else pulled (and
 * then saved to the cache, so the next run does not hit the registry: the rate-limit fix).
 * A pull that fails says which image and why, within seconds.
 */
import { join } from 'node:path';
import { CACHE_DIR } from '../cache/cache.js';
import { shortHash } from '../config/identity.js';
import { CommandError } from '../exec/runner.js';
import { restoreArchive, saveArchive, type ArchiveOptions, type CachedArchive } from './archive.js';
import type { Docker } from './docker.js';

export type ImageSource = 'present' | 'cache' | 'pulled';

/**
 * Relative to the workspace, the same string on every leg and runner: @actions/cache versions
 * entries by their path strings, so this is what lets legs share one entry per image.
 */
const IMAGE_CACHE_DIR = join(CACHE_DIR, 'images');

/** Where an image travels through the cache: one entry per reference and platform, shared by every leg. */
export function imageArchive(ref: string, platform: string): CachedArchive {
  const id = shortHash(ref, 16);
  return { path: join(IMAGE_CACHE_DIR, `${id}.tar`), key: `ds-e2e-setup-image-${platform}-${id}` };
}

export interface EnsureImageOptions extends ArchiveOptions {
  /** e.g. linux-amd64: an image archive is per platform. */
  platform: string;
  pullTimeoutMs?: number;
  /** The id an earlier check (preflight) read for `ref`: the image is on the host, and is not inspected again. */
  knownId?: string;
}

export interface EnsuredImage {
  source: ImageSource;
  /** The reference that names the image on this host: `ref`, or for a digest reference restored
   * from the cache (docker load keeps tags, not digests) the tag it was saved under. */
  localRef: string;
  /** The image's id: the containers are made from it, so a tag another leg moves meanwhile cannot change what runs. */
  id: string;
}

/**
 * An archive keeps tags, not digests: a `name[:tag]@sha256:…` reference is saved under a tag
 * (its own, else one made from the digest), which is what names it after a restore.
 */
export function archiveTag(ref: string): string {
  const at = ref.indexOf('@sha256:');
  if (at < 0) return ref;
  const name = ref.slice(0, at);
  const lastSlash = name.lastIndexOf('/');
  return name.slice(lastSlash + 1).includes(':') ? name : `${name}:digest-${ref.slice(at + 8, at + 8 + 16)}`;
}

/**
 * For a reference pinned by digest, a tag of our own that names that digest alone
 * (`postgres:16@sha256:ab…` -> `postgres:digest-ab…`): the tag the reference carries may name
 * another image on this host, and must not be moved. Any other reference is returned as it is.
 */
export function digestTag(ref: string): string {
  const at = ref.indexOf('@sha256:');
  if (at < 0) return ref;
  const name = ref.slice(0, at).replace(/:[^/:]*$/, ''); // the tag goes; a registry's port stays
  return `${name}:digest-${ref.slice(at + 8, at + 8 + 16)}`;
}

export async function ensureImage(docker: Docker, ref: string, opts: EnsureImageOptions): Promise<EnsuredImage> {
  const call = { signal: opts.signal, log: opts.log };
  const id = opts.knownId ?? (await docker.imageId(ref, call));
  if (id) {
    opts.log?.write(`${ref}: present on the host\n`);
    return { source: 'present', localRef: ref, id };
  }
  const local = archiveTag(ref);
  const archive = imageArchive(ref, opts.platform);
  if (!opts.cache.enabled) {
    await pull(docker, ref, opts);
    return { source: 'pulled', localRef: ref, id: await pulledId(docker, ref, opts) };
  }
  // What `load` prints is no proof: docker shortens docker.io names, podman writes them out.
  const { hit } = await restoreArchive(docker, archive, opts);
  const restored = hit ? await docker.imageId(local, call) : undefined;
  if (restored) {
    opts.log?.write(`${ref}: restored from the cache (${archive.key}) as ${local}\n`);
    return { source: 'cache', localRef: local, id: restored };
  }
  await pull(docker, ref, opts);
  const pulled = await pulledId(docker, ref, opts);
  if (local !== ref) await docker.tag(ref, local, call);
  await saveArchive(docker, local, archive, opts, ref);
  return { source: 'pulled', localRef: ref, id: pulled };
}

async function pulledId(docker: Docker, ref: string, opts: EnsureImageOptions): Promise<string> {
  const id = await docker.imageId(ref, { signal: opts.signal, log: opts.log });
  if (!id) throw new Error(`image "${ref}" was pulled but is not on the host`);
  return id;
}

async function pull(docker: Docker, ref: string, opts: EnsureImageOptions): Promise<void> {
  const timeout = AbortSignal.timeout(opts.pullTimeoutMs ?? 10 * 60_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  try {
    await docker.pull(ref, { signal, log: opts.log });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    if (timeout.aborted) throw new Error(`image "${ref}" could not be pulled: no answer within ${(opts.pullTimeoutMs ?? 600_000) / 1000} s`, { cause: err });
    const text = err instanceof CommandError ? `${err.stderr}${err.stdout}` : String(err);
    const last = text.trim().split('\n').pop() ?? '';
    const hint = /toomanyrequests|429|rate limit/i.test(text)
      ? '\nThe registry is rate-limiting pulls. With `cache: true` an image pulled once is restored from the cache on later runs; or name a mirror in `image:`.'
      : /not found|manifest unknown|does not exist/i.test(text)
        ? '\nCheck the image name and tag.'
        : '';
    throw new Error(`image "${ref}" is not on the host and could not be pulled: ${last}${hint}`, { cause: err });
  }
}
