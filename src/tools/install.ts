/**
 * One install path for every tool: a tool-cache hit needs no network at all; a miss downloads,
 * refuses anything that is not an executable or, for a tool shipped as a .tar.gz (helm), not a
 * gzip archive (an HTML error page, say), verifies sha256 against the built-in pin or the
 * checksum file beside the download, and only then unpacks and caches it.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import * as tc from '@actions/tool-cache';
import type { LogSink } from '../core/log.js';
import { DEFAULT_RETRY, fetchFile, fetchText, type RetryPolicy } from './http.js';
import { fillTemplate, type Platform } from './platform.js';

export type ToolName = 'kind' | 'kubectl' | 'helm';

export interface ToolRequest {
  tool: ToolName;
  /** Resolved, with a leading `v`. */
  version: string;
  urlTemplate: string;
  /** `.sha256sum` for kind (`HASH  name`), `.sha256` for kubectl (`HASH`). */
  checksumSuffix: string;
  /** The built-in checksum for a pinned default on this platform, if there is one. */
  pinnedSha256?: string;
  /** For a .tar.gz download: the binary's path inside it, with {os} and {arch}. */
  inArchive?: string;
}

export interface InstallContext {
  platform: Platform;
  /** Where the download lands before it is verified and cached. */
  tempDir: string;
  retry?: RetryPolicy;
  signal?: AbortSignal;
  log?: LogSink;
}

export interface Installed {
  tool: ToolName;
  version: string;
  /** The folder to put on PATH. */
  dir: string;
  cached: boolean;
  url?: string;
}

export async function installTool(req: ToolRequest, ctx: InstallContext): Promise<Installed> {
  const semver = req.version.replace(/^v/, '');
  const hit = tc.find(req.tool, semver, ctx.platform.arch);
  if (hit) {
    ctx.log?.write(`${req.tool} ${req.version}: tool-cache hit at ${hit}\n`);
    return { tool: req.tool, version: req.version, dir: hit, cached: true };
  }
  const url = fillTemplate(req.urlTemplate, { version: req.version, ...ctx.platform });
  mkdirSync(ctx.tempDir, { recursive: true });
  const file = join(ctx.tempDir, `${req.tool}-${randomUUID()}`);
  try {
    ctx.log?.write(`${req.tool} ${req.version}: downloading ${url}\n`);
    const got = await fetchFile(url, file, ctx.retry ?? DEFAULT_RETRY, ctx.signal);
    checkStart(got.head, req.tool, url, formatOf(req.inArchive !== undefined, ctx.platform));
    let expected = req.pinnedSha256;
    let source = 'the built-in pin';
    if (!expected) {
      source = `${url}${req.checksumSuffix}`;
      expected = parseChecksum(await fetchText(source, ctx.retry ?? DEFAULT_RETRY, ctx.signal), source);
    }
    if (got.sha256 !== expected.toLowerCase()) {
      throw new Error(`${req.tool} ${req.version}: sha256 mismatch for ${url}: expected ${expected} (from ${source}), got ${got.sha256}`);
    }
    ctx.log?.write(`${req.tool} ${req.version}: sha256 ${got.sha256} verified against ${source}\n`);
    let binary = file;
    if (req.inArchive) {
      const unpacked = await tc.extractTar(file, `${file}.d`);
      const inside = fillTemplate(req.inArchive, { version: req.version, ...ctx.platform });
      binary = join(unpacked, inside);
      if (!existsSync(binary)) throw new Error(`${req.tool} ${req.version}: ${url} holds no ${inside}; check the URL or the mirror`);
      checkStart(readHead(binary), req.tool, `${url} (${req.inArchive})`, formatOf(false, ctx.platform));
    }
    chmodSync(binary, 0o755); // executable only once verified
    const dir = await tc.cacheFile(binary, req.tool, req.tool, semver, ctx.platform.arch);
    return { tool: req.tool, version: req.version, dir, cached: false, url };
  } finally {
    rmSync(file, { force: true });
    rmSync(`${file}.d`, { recursive: true, force: true });
  }
}

/** The first 64-hex-digit token: fits both `HASH  name` and a bare `HASH`. */
export function parseChecksum(text: string, source: string): string {
  const m = /(?:^|\s)([a-fA-F0-9]{64})(?:\s|$)/.exec(text);
  if (!m) throw new Error(`the checksum file ${source} holds no sha256 (it starts with ${JSON.stringify(text.slice(0, 40))})`);
  return m[1].toLowerCase();
}

function readHead(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(64);
    return head.subarray(0, readSync(fd, head, 0, 64, 0));
  } catch {
    return Buffer.alloc(0);
  } finally {
    closeSync(fd);
  }
}

const MACH_O = ['feedface', 'feedfacf', 'cefaedfe', 'cffaedfe', 'cafebabe'];

/** The magic numbers a download must start with, and what the message calls it. */
function formatOf(archive: boolean, platform: Platform): { what: string; magics: string[] } {
  if (archive) return { what: 'a .tar.gz archive', magics: ['1f8b'] };
  return { what: `a ${platform.os} executable`, magics: platform.os === 'linux' ? ['7f454c46'] : MACH_O };
}

/** A download must start with its format's magic number; an HTML page (a login or error page) is named as such. */
function checkStart(head: Buffer, tool: string, url: string, want: { what: string; magics: string[] }): void {
  if (head.toString('utf8').trimStart().startsWith('<')) throw new Error(`${tool}: ${url} answered with an HTML page, not ${want.what}; check the URL or the mirror`);
  const magic = head.subarray(0, 4).toString('hex');
  if (!want.magics.some((m) => magic.startsWith(m))) throw new Error(`${tool}: ${url} is not ${want.what} (it starts with 0x${magic || 'nothing'})`);
}
