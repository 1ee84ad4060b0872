/** The kind CLI, typed: create (replacing a cluster of the same name), load, export logs, delete. */
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { Call } from '../core/log.js';
import type { CommandRunner } from '../exec/runner.js';

export class Kind {
  constructor(
    private readonly runner: CommandRunner,
    readonly clusterName: string,
    private readonly provider: 'docker' | 'podman' = 'docker',
  ) {}

  private run(args: string[], call: Call = {}, allowFailure = false) {
    const env = this.provider === 'podman' ? { KIND_EXPERIMENTAL_PROVIDER: 'podman' } : {};
    return this.runner.run('kind', args, { ...call, env, allowFailure });
  }

  async exists(call: Call = {}): Promise<boolean> {
    const r = await this.run(['get', 'clusters'], call);
    return r.stdout.split('\n').map((l) => l.trim()).includes(this.clusterName);
  }

  /** Writes the config beside the kubeconfig and creates the cluster, waiting for the control plane. */
  async create(config: Record<string, unknown>, files: { config: string; kubeconfig: string }, waitSeconds: number, call: Call = {}): Promise<void> {
    writeFileSync(files.config, stringify(config));
    call.log?.write(`kind config:\n${stringify(config)}`);
    await this.run(
      // --retain: a failed creation keeps its nodes, so `kind export logs` has something to say;
      // post deletes the cluster whatever happened.
      ['create', 'cluster', '--name', this.clusterName, '--config', files.config, '--kubeconfig', files.kubeconfig, '--wait', `${waitSeconds}s`, '--retain'],
      call,
    );
  }

  /** A kubeconfig whose server is the control-plane node's name on kind's network (for act). */
  async internalKubeconfig(call: Call = {}): Promise<string> {
    return (await this.run(['get', 'kubeconfig', '--internal', '--name', this.clusterName], call)).stdout;
  }

  /** Onto every node of the cluster. */
  async loadImage(ref: string, call: Call = {}): Promise<void> {
    await this.run(['load', 'docker-image', ref, '--name', this.clusterName], call);
  }

  async exportLogs(dir: string, call: Call = {}): Promise<void> {
    await this.run(['export', 'logs', dir, '--name', this.clusterName], call, true);
  }

  /** kind itself accepts a cluster that is already gone. */
  async delete(call: Call = {}): Promise<void> {
    await this.run(['delete', 'cluster', '--name', this.clusterName], call, true);
  }
}
