/**
 * Estimated task durations in seconds, for `plan` and for the replay benchmark.
 * Seeded with the phases of one real service's one-script E2E setup ("DataStorage": cluster
 * 60 s, build 30 s, load 20 s, namespace 5 s, PostgreSQL 60 s, Redis 15 s, migrations 30 s,
 * deploy 30 s, ready 30 s; 280 s one after another). Rows marked (ours) are our own estimates
 * for tasks that the one-script setup did not have as separate steps.
 */
export const ESTIMATE_SECONDS = {
  preflight: 0.1, // (ours) one `docker info`, a statfs and /proc/sys reads, measured at 40-90 ms
  'install-tool': 3, // (ours) a tool-cache miss: download and verify one binary
  'pull-node-image': 5, // (ours) split out of the seed's 60 s cluster creation, so it can come from the cache
  // The seed's 60 s "create kind cluster", split in two: `kind create cluster` without --wait
  // returns once kubeadm has the API server answering (32.5 s in kind's own example output,
  // kubernetes-sigs/kind PR #476); the rest is nodes becoming Ready and CoreDNS rolling out.
  'create-cluster': 32, // (ours, from the above) until the API server answers
  'nodes-ready': 28, // (ours, from the above) the rest of the seed's 60 s
  'build-image': 30, // build image
  'load-image': 20, // load image into kind
  'create-namespace': 5, // create namespace
  'pull-image': 10, // (ours) a dependency image pull or cache restore
  'preload-image': 10, // (ours) a dependency image loaded into kind
  'start-postgres:cluster': 60, // deploy PostgreSQL
  'start-postgres:docker': 2, // (ours) a PostgreSQL container outside the cluster is ready in about 2 s
  'start-redis:cluster': 15, // deploy Redis
  'start-redis:docker': 2, // (ours) like PostgreSQL as a container
  'link-dependency': 2, // (ours) network connect plus a Service and EndpointSlice
  migrate: 30, // run migrations
  deploy: 30, // deploy service
  ready: 30, // wait until ready
} as const;

export type EstimateKey = keyof typeof ESTIMATE_SECONDS;
