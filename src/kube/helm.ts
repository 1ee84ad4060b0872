/**
 * helm against this leg's own kubeconfig, for what the deploy needs. Flags as helm v3 defines
 * them (cmd/helm/upgrade.go, flags.go, pkg/cli/environment.go at v3.21.4). No --wait: the action
 * waits once, at the end, for every rollout.
 */
import { isMap, isScalar, parseDocument } from 'yaml';
import type { Call } from '../core/log.js';
import type { CommandRunner } from '../exec/runner.js';

/**
 * One `--set`-family value: `set` for numbers and booleans, `set-string` for strings (so "true"
 * or "0123" stay strings), `set-file` for a string that holds a secret, which goes in a file
 * (its path in argv, never the value).
 */
export interface HelmSet {
  key: string;
  value: string;
  as: 'set' | 'set-string' | 'set-file';
}

export interface HelmInstall {
  release: string;
  chart: string;
  namespace: string;
  /** Values files, in order (later ones win, as helm merges them). */
  values: string[];
  set: HelmSet[];
}

/**
 * A value as helm's --set family parses it back to itself (helm pkg/strvals/parser.go, v3.21.4):
 * `runesUntil` ends a value at `,` and takes the rune after a `\` as it is, and `valList` reads a
 * value that starts with `{` as a list. So `\`, `,` and `{` are each escaped with a `\`.
 */
export function strvalsEscape(value: string): string {
  return value.replace(/[\\,{]/g, (c) => `\\${c}`);
}

export class Helm {
  constructor(
    private readonly runner: CommandRunner,
    private readonly kubeconfig: string,
  ) {}

  private run(args: string[], call: Call & { allowFailure?: boolean; quietStdout?: boolean } = {}) {
    return this.runner.run('helm', [...args, '--kubeconfig', this.kubeconfig], call);
  }

  /** The argv of `helm upgrade --install`, for the stand-in's contract tests too. */
  static upgradeArgs(i: HelmInstall): string[] {
    return [
      'upgrade', '--install', i.release, i.chart,
      '--namespace', i.namespace, '--create-namespace',
      ...i.values.flatMap((f) => ['--values', f]),
      ...i.set.flatMap((s) => [`--${s.as}`, `${s.key}=${strvalsEscape(s.value)}`]),
    ];
  }

  async upgradeInstall(i: HelmInstall, call: Call = {}): Promise<void> {
    await this.run(Helm.upgradeArgs(i), call);
  }

  /** `helm status` and `helm get manifest`, for diagnostics: never throws, says what failed instead. */
  async evidence(release: string, namespace: string, call: Call = {}): Promise<{ status: string; manifest: string }> {
    const text = async (args: string[]): Promise<string> => {
      const r = await this.run([...args, '--namespace', namespace], { ...call, allowFailure: true, quietStdout: true }).catch((err: unknown) => ({ code: -1, stdout: '', stderr: String(err) }));
      return r.code === 0 ? r.stdout : `helm ${args.join(' ')} failed (${r.code}):\n${r.stderr}`;
    };
    return { status: await text(['status', release]), manifest: await text(['get', 'manifest', release]) };
  }
}

/**
 * A release's manifest with every Secret's values replaced: `data` is base64, which masking by
 * value cannot catch, and diagnostics are often uploaded as artifacts. A document that does not
 * parse is kept as it is, unless it could be a Secret: then it is left out.
 */
export function redactSecrets(manifest: string): string {
  return manifest
    .split(/^---[ \t]*$/m)
    .map((chunk) => {
      const doc = parseDocument(chunk);
      if (doc.errors.length > 0) return /^\s*kind:\s*Secret\b/m.test(chunk) ? '\n# a Secret that does not parse as YAML: left out\n' : chunk;
      if (doc.get('kind') !== 'Secret') return chunk;
      for (const field of ['data', 'stringData']) {
        const map = doc.get(field);
        if (isMap(map)) for (const item of map.items) doc.setIn([field, isScalar(item.key) ? item.key.value : item.key], '(redacted)');
      }
      return `\n${doc.toString()}`;
    })
    .join('---');
}
