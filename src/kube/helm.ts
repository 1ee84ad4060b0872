/**
 * helm against this leg's own kubeconfig, for what the deploy needs. Flags as helm v3 defines
 * them (cmd/helm/upgrade.go, flags.go, pkg/cli/environment.go at v3.21.4). No --wait: the action
 * waits once, at the end, for every rollout.
 */
import type { Call } from '../core/log.js';
import type { CommandRunner } from '../exec/runner.js';

export interface HelmInstall {
  release: string;
  chart: string;
  namespace: string;
  /** Values files, in order (later ones win, as helm merges them). */
  values: string[];
  set: Record<string, string>;
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
      ...Object.entries(i.set).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
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
