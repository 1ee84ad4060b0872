#!/usr/bin/env bash
# Everything the tests and the example need on a fresh Debian machine, idempotent:
# docker.io, debootstrap, docker-registry (tests pull from a real registry), git, procps, zstd,
# redis-server (the unit tier's real Redis, with no docker), jq, gcc, pkgconf, libc6-dev and
# libseccomp-dev (the kind node's runc and pause, built by cluster-tools.sh) from Debian, a
# running dockerd, the npm packages, the test images.
set -euo pipefail
cd "$(dirname "$0")/.."

need=""
for cmd in dockerd debootstrap docker-registry git pgrep zstd redis-server jq gcc pkg-config; do command -v "$cmd" >/dev/null || need=yes; done
# the kind node's runc (cgo, seccomp through pkg-config) and pause (static), for cluster-tools.sh
dpkg -s libc6-dev libseccomp-dev >/dev/null 2>&1 || need=yes
if [ -n "$need" ]; then
  echo "installing docker.io, debootstrap, docker-registry, git, procps, zstd, redis-server, jq, gcc, pkgconf, libc6-dev and libseccomp-dev"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io debootstrap docker-registry git procps zstd redis-server jq gcc pkgconf libc6-dev libseccomp-dev ca-certificates >/dev/null
fi

# Where the capability bounding set lacks CAP_SYS_RESOURCE (bit 24), a privileged container (every
# kind node) fails with "unable to apply caps"; docker then runs runc through a wrapper that drops
# that one capability from the spec. It is docker's default runtime by /etc/docker/daemon.json, so
# a dockerd that systemd restarts keeps it. A GitHub runner has the capability and gets plain runc.
restart=''
if (( (16#$(awk '/^CapBnd:/ {print $2}' /proc/self/status) >> 24 & 1) == 0 )); then
  install -D -m 0755 scripts/runc-without-sys-resource /usr/local/lib/ds-e2e-setup/runc-without-sys-resource
  mkdir -p /etc/docker
  [ -s /etc/docker/daemon.json ] || echo '{}' >/etc/docker/daemon.json
  jq '.runtimes["ds-runc"] = {path: "/usr/local/lib/ds-e2e-setup/runc-without-sys-resource"} | .["default-runtime"] = "ds-runc"' \
    /etc/docker/daemon.json >/etc/docker/daemon.json.new
  mv /etc/docker/daemon.json.new /etc/docker/daemon.json
  if docker info >/dev/null 2>&1 && [ "$(docker info --format '{{.DefaultRuntime}}')" != ds-runc ]; then restart=yes; fi
fi

if [ -n "$restart" ] && command -v systemctl >/dev/null && systemctl is-active --quiet docker 2>/dev/null; then
  echo "restarting docker (systemd) with the runtime that drops CAP_SYS_RESOURCE"
  systemctl restart docker
elif [ -n "$restart" ]; then
  echo "restarting dockerd with the runtime that drops CAP_SYS_RESOURCE"
  pkill -x dockerd || true
  for _ in $(seq 1 60); do pgrep -x dockerd >/dev/null || break; sleep 0.5; done
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
