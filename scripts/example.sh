#!/usr/bin/env bash
# The one command that runs the main job on an example environment (README): set the
# machine up, run the bundled action's main step on examples/datastorage/integration.yaml
# the way a runner does (INPUT_* and the GITHUB_* files), show what it handed on, then run
# its post step, which removes everything it made.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-machine.sh
[ -f dist/main/index.js ] || npm run build
NODE=node_modules/.bin/node   # Node 24, as the action runs (runs.using: node24)

runner=$(mktemp -d)
touch "$runner"/{output,env,state,path,summary}
export GITHUB_WORKSPACE=$PWD GITHUB_OUTPUT=$runner/output GITHUB_ENV=$runner/env GITHUB_STATE=$runner/state \
  GITHUB_PATH=$runner/path GITHUB_STEP_SUMMARY=$runner/summary RUNNER_TEMP=$runner
export INPUT_CONFIG=${1:-examples/datastorage/integration.yaml} INPUT_CACHE=false INPUT_CLEANUP=always

status=0
"$NODE" dist/main/index.js || status=$?
# the runner's files use name<<delimiter blocks; show them as name=value, passwords masked
show() { awk '/<</ {split($0, a, "<<"); name=a[1]; delim=a[2]; next} $0 == delim {next} {print name "=" $0}' "$1" |
  sed -E 's#(://[^:/@]+:)[^@]+@#\1***@#'; }
echo; echo "== outputs =="; show "$runner/output"
echo; echo "== exported =="; show "$runner/env"
echo; echo "== job summary (markdown) =="; cat "$runner/summary"
# the runner hands saved state back to post as STATE_<name>
while IFS= read -r line; do
  case "$line" in *'<<'*) key=${line%%<<*}; delim=${line#*<<}; val=''
    while IFS= read -r l && [ "$l" != "$delim" ]; do val+=$l; done
    export "STATE_$key=$val";; esac
done < "$runner/state"
echo; echo "== post =="
# a runner puts GITHUB_PATH entries on later steps' PATH, the post step included
while IFS= read -r dir; do [ -n "$dir" ] && PATH="$dir:$PATH"; done < "$runner/path"
"$NODE" dist/post/index.js
exit $status
