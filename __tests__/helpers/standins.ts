/**
 * The kind and kubectl stand-ins, installed the way a warm runner has them: in the tool-cache at
 * the pinned versions, so the action's real install path finds them and puts them on PATH.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tc from '@actions/tool-cache';
import { DEFAULT_HELM_VERSION, DEFAULT_KIND_VERSION, DEFAULT_KUBECTL_VERSION } from '../../src/tools/releases.js';
import { currentPlatform } from '../../src/tools/platform.js';
import { newestKubectl } from './real-kubectl.js';
import { ROOT } from './run.js';

export interface StandinRecord {
  tool: 'kind' | 'kubectl' | 'helm';
  args: string[];
  start: number;
  end: number;
  code: number;
  config?: Record<string, unknown>;
  objects?: Record<string, unknown>[];
  /** `kind load image-archive`: the tags the archive holds and the platforms its index lists. */
  archive?: { images: string[]; platforms: string[] };
  /** `helm upgrade`: what it was given, values files with their content (they are gone after the install). */
  helm?: { release: string; chart: string; namespace: string; set: string[]; setString: string[]; setFiles: { key: string; content: string }[]; values: { file: string; content: string }[] };
}

export async function toolCacheWithStandins(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'standin-tc-'));
  const saved = process.env.RUNNER_TOOL_CACHE;
  process.env.RUNNER_TOOL_CACHE = root;
  const temp = mkdtempSync(join(tmpdir(), 'standin-bin-'));
  for (const [tool, version] of [['kind', DEFAULT_KIND_VERSION], ['kubectl', DEFAULT_KUBECTL_VERSION], ['helm', DEFAULT_HELM_VERSION]] as const) {
    const file = join(temp, tool);
    // kubectl's stand-in hands `kustomize` to the real client, found here the one way (real-kubectl.ts)
    const real = tool === 'kubectl' ? `STANDIN_REAL_KUBECTL='${newestKubectl() ?? ''}' ` : '';
    writeFileSync(file, `#!/bin/sh\n${real}exec node ${join(ROOT, '__tests__/bin/standin', `${tool}.mjs`)} "$@"\n`);
    chmodSync(file, 0o755);
    await tc.cacheFile(file, tool, tool, version.replace(/^v/, ''), currentPlatform().arch);
  }
  if (saved === undefined) delete process.env.RUNNER_TOOL_CACHE;
  else process.env.RUNNER_TOOL_CACHE = saved;
  return root;
}

export function readRecords(log: string): StandinRecord[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as StandinRecord);
}

export function findRecord(records: StandinRecord[], tool: string, ...words: string[]): StandinRecord | undefined {
  return records.find((r) => r.tool === tool && words.every((w) => r.args.includes(w)));
}
