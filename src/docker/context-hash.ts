/**
 * One tag per content: `<name>:e2e-<hash>`, where the hash covers the Dockerfile, the target,
 * the build args and every file of the context that `.dockerignore` does not exclude (path,
 * executable bit and bytes). Same content, same tag, on every leg and every run.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import * as dockerignoreModule from '@balena/dockerignore';
import { CACHE_DIR } from '../cache/cache.js';
import type { ImageConfig } from '../config/normalize.js';

/** The package is CommonJS (`module.exports = factory`) but its types declare a default export. */
type Factory = (options?: { ignorecase?: boolean }) => dockerignoreModule.Ignore;
const dockerignore: Factory =
  (dockerignoreModule as unknown as { default?: Factory }).default ?? (dockerignoreModule as unknown as Factory);

export interface ContentTag {
  /** `<name>:e2e-<hash>` */
  tag: string;
  hash: string;
  files: number;
}

/** `files`: the context's files as contextFiles lists them, when they were listed already (preflight). */
export function contentTag(name: string, image: ImageConfig, files: string[] = contextFiles(image.context)): ContentTag {
  const h = createHash('sha256');
  h.update(`dockerfile\0${sha256(readFileSync(image.dockerfile))}\0`);
  h.update(`target\0${image.target ?? ''}\0`);
  for (const k of Object.keys(image.buildArgs).sort()) h.update(`arg\0${k}=${image.buildArgs[k]}\0`);
  for (const f of files) {
    const full = join(image.context, f);
    const st = lstatSync(full);
    const body = st.isSymbolicLink() ? `link:${readlinkSync(full)}` : sha256(readFileSync(full));
    h.update(`file\0${f}\0${st.mode & 0o111 ? 'x' : '-'}\0${body}\0`);
  }
  const hash = h.digest('hex').slice(0, 16);
  return { tag: `${name}:e2e-${hash}`, hash, files: files.length };
}

/**
 * The context's files as docker would send them, relative with `/`, sorted. The action's own
 * cache folder is skipped: with the workspace as the context, archives come and go there while
 * other tasks run, and they are not the service's content.
 */
export function contextFiles(context: string): string[] {
  const ignoreFile = join(context, '.dockerignore');
  const patterns = existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8').split(/\r?\n/) : [];
  const ig = dockerignore({ ignorecase: false }).add(patterns);
  // Without `!` exceptions an ignored folder cannot hold a kept file, so it need not be walked.
  const hasExceptions = patterns.some((p) => p.trim().startsWith('!'));
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(context, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (path === CACHE_DIR || (!hasExceptions && ig.ignores(path))) continue;
        walk(path);
      } else if (!ig.ignores(path)) {
        out.push(path);
      }
    }
  };
  walk('');
  return out.sort();
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The bytes a build of this context sends: the files `.dockerignore` keeps (sizes as stat reports them). */
export function contextBytes(context: string, files: string[]): number {
  return files.reduce((sum, f) => sum + lstatSync(join(context, f)).size, 0);
}
