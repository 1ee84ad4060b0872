/** The kind CLI, typed: create (replacing a cluster of the same name), load, export logs, delete. */
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { Call } from '../core/log.js';
import type { CommandRunner } from '../exec/runner.js';

/**
 * The creation failure kind's CI users meet most: the control plane does not come up in time.
 * kind wraps kubeadm's error as "failed to init node with kubeadm"
 * (pkg/cluster/internal/create/actions/kubeadminit/init.go) and prints kubeadm's output after
 * "Command Output:"; kubeadm's wait-control-plane phase fails with "error execution phase
 * wait-control-plane: couldn't initialize a Kubernetes cluster" (kubeadm's phase runner prefixes
 * the phase's error; cmd/kubeadm/app/cmd/phases/init/waitcontrolplane.go). Both must be there:
 * kubeadm prints "[wait-control-plane] Waiting for …" on every init that gets that far, so a
 * later phase's failure must not pass for this one.
 */
export function isControlPlaneTimeout(output: string): boolean {
  return output.includes('failed to init node with kubeadm') && /error execution phase wait-control-plane\b/.test(output);
}

/** The label kind puts on every node container (kind pkg/cluster/internal/providers/docker/constants.go: clusterLabelKey). */
export const KIND_CLUSTER_LABEL = 'io.x-k8s.kind.cluster';

export class Kind {
  constructor(
    private readonly runner: CommandRunner,
    readonly clusterName: string,
    private readonly provider: 'docker' | 'podman' = 'docker',
    /** The leg's own kubeconfig: kind edits only this file, never the user's ~/.kube/config or $KUBECONFIG. */
    private readonly kubeconfig?: string,
  ) {}

  private run(args: string[], call: Call = {}, allowFailure = false) {
    const env: Record<string, string> = this.provider === 'podman' ? { KIND_EXPERIMENTAL_PROVIDER: 'podman' } : {};
    return this.runner.run('kind', args, { ...call, env, allowFailure });
  }

  async exists(call: Call = {}): Promise<boolean> {
    const r = await this.run(['get', 'clusters'], call);
    return r.stdout.split('\n').map((l) => l.trim()).includes(this.clusterName);
  }

  /**
   * Writes the config beside the kubeconfig and creates the cluster. Without --wait, kind returns
   * once the API server answers; whoever needs Ready nodes waits for them with kubectl.
   */
  async create(config: Record<string, unknown>, files: { config: string; kubeconfig: string }, call: Call = {}): Promise<void> {
    writeFileSync(files.config, stringify(config));
    call.log?.write(`kind config:\n${stringify(config)}`);
    await this.run(
      // --retain: a failed creation keeps its nodes, so `kind export logs` has something to say;
      // post deletes the cluster whatever happened.
      ['create', 'cluster', '--name', this.clusterName, '--config', files.config, '--kubeconfig', files.kubeconfig, '--retain'],
      call,
    );
  }

  /** A kubeconfig whose server is the control-plane node's name on kind's network (for act). */
  async internalKubeconfig(call: Call = {}): Promise<string> {
    return (await this.run(['get', 'kubeconfig', '--internal', '--name', this.clusterName], call)).stdout;
  }

  /**
   * An image archive onto every node. Not `kind load docker-image`: that always calls `docker
   * save` (so podman's images are "not present locally") and saves every platform an index
   * lists, which containerd's `ctr images import --all-platforms` refuses when some are absent.
   */
  async loadArchive(file: string, call: Call = {}): Promise<void> {
    await this.run(['load', 'image-archive', file, '--name', this.clusterName], call);
  }

  /**
   * The cluster's Kubernetes nodes: `kind get nodes` lists every container of the cluster, the
   * load balancer of a cluster with several control planes (`<name>-external-load-balancer`,
   * kind's constants.ExternalLoadBalancerNodeRoleValue) too, which `kind load` leaves out.
   */
  async nodes(call: Call = {}): Promise<string[]> {
    const all = (await this.run(['get', 'nodes', '--name', this.clusterName], call)).stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    return all.filter((n) => n !== `${this.clusterName}-external-load-balancer`);
  }

  async exportLogs(dir: string, call: Call = {}): Promise<void> {
    await this.run(['export', 'logs', dir, '--name', this.clusterName], call, true);
  }

  /** kind itself accepts a cluster that is already gone. */
  async delete(call: Call = {}): Promise<void> {
    await this.run(['delete', 'cluster', '--name', this.clusterName, ...(this.kubeconfig ? ['--kubeconfig', this.kubeconfig] : [])], call, true);
  }
}
