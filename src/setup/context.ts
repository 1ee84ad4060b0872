/** What the setup core needs from its front end, as small interfaces, so the action, the CLI and the tests share it. */
import type { CleanupPolicy } from '../config/inputs.js';
import type { Logger } from '../core/log.js';
import type { CommandRunner } from '../exec/runner.js';
import type { Secrets } from '../exec/secrets.js';

export interface Services {
  runner: CommandRunner;
  secrets: Secrets;
  logger: Logger;
  /** Puts an installed tool's folder on PATH for this process and, in the action, for later steps. */
  addPath(dir: string): void;
}

/** Everything the tests are handed, gathered from the tasks' results after the graph. */
export interface Outputs {
  clusterName?: string;
  kubeconfig?: string;
  namespace: string;
  endpoints: Record<string, string>;
  postgresUrl?: string;
  redisUrl?: string;
  serviceUrl?: string;
  images: Record<string, string>;
  diagnosticsDir: string;
  /** What the PostgreSQL snapshot did: "snapshot hit", "prefix hit (N new files)" or "miss", with the key. */
  postgresSnapshot?: string;
  /** Why the cluster was created a second time, when it was. */
  clusterRetry?: string;
  /** The host check's findings (disk, cgroup, inotify). */
  preflight: string[];
}

/** What `post` and `down` need to find and remove exactly what this leg made. */
export interface LegState {
  env: string;
  clusterName: string;
  hasCluster: boolean;
  provider: 'docker' | 'podman';
  labels: Record<string, string>;
  workDir: string;
  diagnosticsDir: string;
  kubeconfig: string;
  namespace: string;
  cleanup: CleanupPolicy;
  /** The kind `up` installed, so that `down`, in a process of its own, finds the same one. */
  kindVersion?: string;
  kindUrl?: string;
}
