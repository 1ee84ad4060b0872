/** kubectl against this leg's own kubeconfig, typed for what the action needs. */
import { stringify } from 'yaml';
import type { Call } from '../core/log.js';
import type { CommandRunner } from '../exec/runner.js';
import type { K8sObject } from './manifests.js';

export class Kubectl {
  constructor(
    private readonly runner: CommandRunner,
    private readonly kubeconfig: string,
  ) {}

  run(args: string[], call: Call & { input?: string; allowFailure?: boolean; quietStdout?: boolean } = {}) {
    return this.runner.run('kubectl', ['--kubeconfig', this.kubeconfig, ...args], call);
  }

  /**
   * Applies objects or manifest text through stdin, so rendered secrets never touch the disk.
   * `--namespace`: an object that names none lands in the environment's namespace, not in
   * `default` (kind's kubeconfig sets no namespace); one that names another is refused by kubectl.
   */
  async apply(objects: K8sObject[] | string, namespace: string, call: Call = {}): Promise<void> {
    const input = typeof objects === 'string' ? objects : objects.map((o) => stringify(o)).join('---\n');
    await this.run(['apply', '--namespace', namespace, '--filename', '-'], { ...call, input });
  }

  /**
   * A kustomization rendered by this kubectl's built-in kustomize (`kubectl kustomize`), so no
   * second tool is downloaded. Rendering needs no cluster.
   */
  async kustomize(dir: string, call: Call = {}): Promise<string> {
    return (await this.run(['kustomize', dir], { ...call, quietStdout: true })).stdout;
  }

  /** One object as the API server has it. */
  async getObject(resource: string, name: string, namespace: string, call: Call = {}): Promise<unknown> {
    return JSON.parse((await this.run(['get', resource, name, '--namespace', namespace, '--output', 'json'], { ...call, quietStdout: true })).stdout) as unknown;
  }

  async nodesReady(timeoutSeconds: number, call: Call = {}): Promise<void> {
    await this.run(['wait', '--for=condition=Ready', 'nodes', '--all', `--timeout=${timeoutSeconds}s`], call);
  }

  async rolloutStatus(namespace: string, target: string, timeoutSeconds: number, call: Call = {}): Promise<void> {
    await this.run(['rollout', 'status', target, '--namespace', namespace, `--timeout=${timeoutSeconds}s`], call);
  }

  /** A Job until its Complete condition (a Job has no rollout to follow). */
  async waitComplete(namespace: string, target: string, timeoutSeconds: number, call: Call = {}): Promise<void> {
    await this.run(['wait', target, '--for=condition=complete', '--namespace', namespace, `--timeout=${timeoutSeconds}s`], call);
  }

  async patchService(namespace: string, name: string, patch: string, call: Call = {}): Promise<void> {
    await this.run(['patch', 'service', name, '--namespace', namespace, '--patch', patch], call);
  }
}
