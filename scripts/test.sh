#!/usr/bin/env bash
# The one command that passes the tests on a fresh machine (README): set the machine up,
# build (or find) the real kind cluster's tools, lint, typecheck, check the import rules between
# folders, check that dist/ and the JSON Schema match src/, then run both test tiers on Node 24.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-machine.sh
# the real cluster's tools, built once per machine (tens of minutes the first time, seconds after)
bash scripts/cluster-tools.sh
npm run lint
npm run typecheck
npm run deps
npm run build
if [ -n "$(git status --porcelain -- dist schema)" ]; then
  git status --short -- dist schema
  echo "dist/ or schema/ is stale: run 'npm run build' and commit the result" >&2
  exit 1
fi
npm test
