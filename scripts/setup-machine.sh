#!/usr/bin/env bash
# Everything the tests and the example need on a fresh Debian machine, idempotent:
# docker.io, debootstrap, docker-registry (tests pull from a real registry), git, procps, zstd,
# redis-server (the unit tier's real Redis, with no docker), jq, gcc and libseccomp-dev (the kind
# node's runc and pause, built by cluster-tools.sh) from Debian, a running dockerd, the npm
# packages, the test images.
set -euo pipefail
cd "$(dirname "$0")/.."

need=""
for cmd in dockerd debootstrap docker-registry git pgrep zstd redis-server jq gcc; do command -v "$cmd" >/dev/null || need=yes; done
dpkg -s libseccomp-dev >/dev/null 2>&1 || need=yes   # runc's seccomp, for the kind node (cluster-tools.sh)
if [ -n "$need" ]; then
  echo "installing docker.io, debootstrap, docker-registry, git, procps, zstd, redis-server, jq, gcc and libseccomp-dev"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io debootstrap docker-registry git procps zstd redis-server jq gcc libc6-dev libseccomp-dev ca-certificates >/dev/null
fi

# Where the capability bounding set lacks CAP_SYS_RESOURCE (bit 24), a privileged container (every
# kind node) fails with "unable to apply caps"; docker then runs runc through a wrapper that drops
# that one capability from the spec. A GitHub runner has the capability and gets plain runc.
dockerd_args=()
if (( (16#$(awk '/^CapBnd:/ {print $2}' /proc/self/status) >> 24 & 1) == 0 )); then
  install -D -m 0755 scripts/runc-without-sys-resource /usr/local/lib/ds-e2e-setup/runc-without-sys-resource
  dockerd_args=(--add-runtime ds-runc=/usr/local/lib/ds-e2e-setup/runc-without-sys-resource --default-runtime ds-runc)
  if docker info >/dev/null 2>&1 && [ "$(docker info --format '{{.DefaultRuntime}}')" != ds-runc ]; then
    echo "restarting dockerd with the runtime that drops CAP_SYS_RESOURCE"
    pkill -x dockerd || true
    for _ in $(seq 1 60); do pgrep -x dockerd >/dev/null || break; sleep 0.5; done
  fi
fi

if ! docker info >/dev/null 2>&1; then
  echo "starting dockerd"
  nohup dockerd "${dockerd_args[@]}" >/var/log/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null || { tail -20 /var/log/dockerd.log; exit 1; }
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund
fi

bash scripts/test-images.sh
