/**
 * Estimated task durations in seconds, for `plan` and for the replay benchmark.
 * Seeded with DESIGN.md's measured phases of the DataStorage setup; rows marked (ours) are
 * our own estimates for tasks that the one-script setup did not have as separate steps.
 */
export const ESTIMATE_SECONDS = {
  'install-tool': 3, // (ours) a tool-cache miss: download and verify one binary
  'pull-node-image': 5, // (ours) split out of DESIGN's 60 s cluster creation, so it can come from the cache
  'create-cluster': 60, // create kind cluster
  'build-image': 30, // build image
  'load-image': 20, // load image into kind
  'create-namespace': 5, // create namespace
  'pull-image': 10, // (ours) a dependency image pull or cache restore
  'preload-image': 10, // (ours) a dependency image loaded into kind
  'start-postgres:cluster': 60, // deploy PostgreSQL
  'start-postgres:docker': 2, // DESIGN: a PostgreSQL container is ready in about 2 s
  'start-redis:cluster': 15, // deploy Redis
  'start-redis:docker': 2, // (ours) like PostgreSQL as a container
  'link-dependency': 2, // (ours) network connect plus a Service and EndpointSlice
  migrate: 30, // run migrations
  deploy: 30, // deploy service
  ready: 30, // wait until ready
} as const;

export type EstimateKey = keyof typeof ESTIMATE_SECONDS;
