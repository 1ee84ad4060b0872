/**
 * What each step kind returns. The engine keeps a task's result under its id; a later step
 * reads it with `StepTask.need(kind, id)`, typed by this table.
 */
import type { BuildSource } from '../../docker/build.js';
import type { ImageSource } from '../../docker/images.js';
import type { Dependency } from '../../plan/plan.js';

/** An image made present on this host, and what it is called here. */
export interface LocalImage {
  ref: string;
  /** `ref`, or for a digest reference restored from the cache the tag it was saved under. */
  localRef: string;
  source: ImageSource;
  /** The image's id, which the containers are made from. */
  id: string;
}

export interface BuiltImage {
  name: string;
  tag: string;
  source: BuildSource;
}

/** What the PostgreSQL snapshot did for this run. */
export interface SnapshotUse {
  outcome: 'hit' | 'prefix' | 'miss';
  /** The key this run's folder has (saved after the migrations unless it was a hit). */
  key: string;
  /** The key that was restored, on a prefix hit. */
  restored?: string;
  /** Files the restored snapshot did not hold, applied by the migrate step. */
  newFiles: number;
  /** Why a snapshot that was found was not used. */
  why?: string;
  /** The archive's path in the workspace. */
  file: string;
}

/** A dependency that answers its protocol check. */
export interface RunningDependency {
  role: Dependency;
  /** The URL the job reaches it at. */
  url: string;
  /** The placeholders as the runner reaches it (for `migrateCommand`). */
  runnerValues: Record<string, string>;
  /** The placeholders as the service's manifests reach it: its in-cluster name, or without a cluster the runner's address. */
  values: Record<string, string>;
  /** The container that holds its network (its address, its published port), when it runs beside the cluster. */
  container?: string;
  /** PostgreSQL beside the cluster, with a cache: the snapshot it started from, or will save. */
  snapshot?: SnapshotUse;
}

export interface StepResults {
  /**
   * `findings`: what the host check found, one line each, for the summary. `contextFiles`: each
   * image's build context as docker would send it, listed once, for its size here and its content
   * tag later. `imageIds`: the images it found on the host, by reference, so their pulls need not look again.
   */
  preflight: { findings: string[]; contextFiles: Record<string, string[]>; imageIds: Record<string, string> };
  'install-tool': { tool: 'kind' | 'kubectl' | 'helm'; version: string; dir: string; cached: boolean };
  'pull-node-image': LocalImage;
  /** `retried`: why the first creation failed, when it was the one failure retried. */
  'create-cluster': { clusterName: string; kubeconfig: string; replaced: boolean; retried?: string };
  'nodes-ready': { waited: boolean };
  'create-namespace': { namespace: string };
  'build-image': BuiltImage;
  'load-image': { name: string; tag: string };
  'pull-image': LocalImage;
  'preload-image': LocalImage;
  'start-in-cluster': RunningDependency;
  'start-container': RunningDependency;
  /** `address`: the container's on kind's network, which its EndpointSlice names. */
  'link-dependency': { role: Dependency; values: Record<string, string>; address: string };
  migrate: { tool: string; applied: string[]; skipped: string[] } | { command: string[] };
  deploy: { manifests: string[]; kustomize: string[]; charts: string[]; exposed: string[] };
  ready: { endpoints: Record<string, string> };
}
