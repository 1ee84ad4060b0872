#!/usr/bin/env bash
# Everything the tests and the example need on a fresh Debian machine, idempotent:
# docker.io, debootstrap, docker-registry (tests pull from a real registry), git, procps, zstd and
# redis-server (the unit tier's real Redis, with no docker) from Debian, a running dockerd, the
# npm packages, the test images.
set -euo pipefail
cd "$(dirname "$0")/.."

need=""
for cmd in dockerd debootstrap docker-registry git pgrep zstd redis-server; do command -v "$cmd" >/dev/null || need=yes; done
if [ -n "$need" ]; then
  echo "installing docker.io, debootstrap, docker-registry, git, procps, zstd and redis-server"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io debootstrap docker-registry git procps zstd redis-server ca-certificates >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  echo "starting dockerd"
  nohup dockerd >/var/log/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null || { tail -20 /var/log/dockerd.log; exit 1; }
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund
fi

bash scripts/test-images.sh
