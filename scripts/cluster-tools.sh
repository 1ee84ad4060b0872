#!/usr/bin/env bash
# Builds, once per machine, everything a real kind cluster needs where no container registry can
# be reached: kind, Kubernetes' binaries, the node's runtime (containerd, runc, crictl, the CNI
# plugins), the images a node runs (the control plane, etcd, CoreDNS, pause, kube-proxy, the
# CNI), kubectl, helm and kustomize. Everything comes from the Go module proxy at the versions in
# scripts/cluster-tools/versions.sh, or from Debian's packages; the node image is assembled the
# way `kind build node-image` assembles it (sigs.k8s.io/kind pkg/build/nodeimage/buildcontext.go).
#
# Idempotent: each piece is kept under $DS_E2E_CLUSTER_TOOLS (default
# /var/cache/ds-e2e-setup/cluster-tools), keyed by its version, and skipped when present; images
# are skipped when docker has them. The last lines are KEY=value: KIND, KUBECTL, HELM, KUSTOMIZE,
# NODE_IMAGE, KUBERNETES.
set -euo pipefail
# a failure inside $(…) stops the script too, not only the command substitution
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
command -v go >/dev/null || { echo "cluster-tools: needs Go (1.24 or newer) on PATH" >&2; exit 1; }
# shellcheck source=cluster-tools/versions.sh
source scripts/cluster-tools/versions.sh

ROOT=${DS_E2E_CLUSTER_TOOLS:-/var/cache/ds-e2e-setup/cluster-tools}
BIN=$ROOT/bin
SRC=$ROOT/src
BASE=ds-e2e-test/debian:bookworm
mkdir -p "$BIN" "$SRC"
# static binaries unless a build says otherwise; the module proxy resolves every dependency
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local

log() { echo "cluster-tools: $*" >&2; }

# Scratch folders live under one, and the node image's build container is named here, so that
# whatever stops the script (a failed command under set -e included) removes both.
WORK=$(mktemp -d)
BUILD_CONTAINER=''
cleanup() {
  [ -n "$BUILD_CONTAINER" ] && docker rm -f -v "$BUILD_CONTAINER" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT
have_image() { docker image inspect "$1" >/dev/null 2>&1; }
# an image this script built from the inputs it has now (its label holds the key, below)
have_current() { [ "$(docker image inspect --format '{{index .Config.Labels "io.github.ds-e2e-setup.cluster-tools"}}' "$1" 2>/dev/null)" = "$key" ]; }

# A writable copy of a module's source (the module cache is read-only), made once: copied beside
# and moved into place, so a copy cut short is never taken for a whole one.
module_src() { # MODULE@VERSION
  local dir=$SRC/${1//\//_}
  if [ ! -f "$dir/.complete" ]; then
    local from
    from=$(cd "$SRC" && go mod download -json "$1" | jq -er .Dir)
    rm -rf "$dir" "$dir.tmp"
    cp -r "$from" "$dir.tmp"
    chmod -R u+w "$dir.tmp"
    touch "$dir.tmp/.complete"
    mv "$dir.tmp" "$dir"
  fi
  echo "$dir"
}

# go build PACKAGES of MODULE@VERSION into OUT, once. LDFLAGS and TAGS may be set by the caller.
build() { # OUT MODULE@VERSION PACKAGE...
  local out=$1 mv=$2
  shift 2
  [ -f "$out/.complete" ] && return 0
  log "building $mv ($*)"
  local dir
  dir=$(module_src "$mv")
  mkdir -p "$out"
  (cd "$dir" && go build -trimpath -ldflags "${LDFLAGS:--s -w}" -tags "${TAGS:-}" -o "$out/" "$@")
  touch "$out/.complete"
}

# Kubernetes' go.mod points its staging modules (k8s.io/api, client-go, ...) at ./staging, which
# the module zip leaves out (each has its own go.mod). They are published as modules tagged
# v0.X.Y, so the copy requires those instead; the version is stamped as hack/lib/version.sh does.
build_kubernetes() {
  local out=$BIN/kubernetes-$KUBERNETES_VERSION
  [ -f "$out/.complete" ] && [ -x "$out/pause" ] && return 0
  local dir info
  dir=$(module_src "k8s.io/kubernetes@$KUBERNETES_VERSION")
  if [ ! -f "$dir/.staging-from-proxy" ]; then
    awk -v v="$KUBERNETES_STAGING_VERSION" '
      /^replace \($/ { skip = 1; next }
      skip && /^\)$/ { skip = 0; next }
      skip { next }
      $1 ~ /^k8s\.io\// && $2 == "v0.0.0" { sub(/v0\.0\.0/, v) }
      { print }' "$dir/go.mod" >"$dir/go.mod.new"
    mv "$dir/go.mod.new" "$dir/go.mod"
    rm -f "$dir/go.work" "$dir/go.work.sum"
    touch "$dir/.staging-from-proxy"
  fi
  info=$(cd "$SRC" && go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | jq -er .Info)
  local minor=${KUBERNETES_VERSION#v1.}
  minor=${minor%%.*}
  local ld="-s -w" kv
  for kv in "gitVersion=$KUBERNETES_VERSION" gitMajor=1 "gitMinor=$minor" gitTreeState=clean \
    "gitCommit=$(jq -r '.Origin.Hash // ""' "$info")" "buildDate=$(jq -r .Time "$info")"; do
    ld+=" -X k8s.io/component-base/version.$kv -X k8s.io/client-go/pkg/version.$kv"
  done
  LDFLAGS=$ld build "$out" "k8s.io/kubernetes@$KUBERNETES_VERSION" \
    ./cmd/kubeadm ./cmd/kubelet ./cmd/kubectl ./cmd/kube-apiserver ./cmd/kube-controller-manager \
    ./cmd/kube-scheduler ./cmd/kube-proxy
  # the pause container is C (build/pause/linux/pause.c); built static, as its Makefile does
  if [ ! -x "$out/pause" ]; then
    gcc -Os -Wall -Werror -static -DVERSION="$KUBERNETES_VERSION" -o "$out/pause" "$dir/build/pause/linux/pause.c"
    strip "$out/pause"
  fi
}

# etcd's own main (go.etcd.io/etcd/v3 main.go) is one call to etcdmain.Main; its module points
# at nested modules the zip leaves out, so a two-line module makes the same binary from the
# published server module.
build_etcd() {
  local out=$BIN/etcd-$ETCD_VERSION dir=$SRC/etcd-main-$ETCD_VERSION
  [ -f "$out/.complete" ] && return 0
  log "building go.etcd.io/etcd/server/v3@$ETCD_VERSION (etcdmain.Main)"
  mkdir -p "$dir" "$out"
  printf 'module etcd\n\ngo 1.24\n' >"$dir/go.mod"
  printf 'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n' >"$dir/main.go"
  (cd "$dir" && go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" && go build -trimpath -ldflags "-s -w" -o "$out/etcd" .)
  touch "$out/.complete"
}

# helm stamps its version, and the Kubernetes version it assumes, as its Makefile does (LDFLAGS)
build_helm() {
  local dir minor
  dir=$(module_src "helm.sh/helm/v3@$HELM_VERSION")
  minor=$(cd "$dir" && go list -m -f '{{.Version}}' k8s.io/client-go | cut -d. -f2)
  LDFLAGS="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean \
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$minor \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$minor" \
    build "$BIN/helm-$HELM_VERSION" "helm.sh/helm/v3@$HELM_VERSION" ./cmd/helm
}

build_go_tools() {
  build "$BIN/kind-$KIND_VERSION" "sigs.k8s.io/kind@$KIND_VERSION" .
  build_kubernetes
  TAGS=$CONTAINERD_BUILDTAGS build "$BIN/containerd-$CONTAINERD_VERSION" "github.com/containerd/containerd/v2@$CONTAINERD_VERSION" \
    ./cmd/containerd ./cmd/ctr ./cmd/containerd-shim-runc-v2
  # runc needs cgo (its nsenter) and, as kind builds it, seccomp (libseccomp-dev)
  CGO_ENABLED=1 TAGS=seccomp build "$BIN/runc-$RUNC_VERSION" "github.com/opencontainers/runc@$RUNC_VERSION" .
  build "$BIN/crictl-$CRICTL_VERSION" "sigs.k8s.io/cri-tools@$CRICTL_VERSION" ./cmd/crictl
  build "$BIN/cni-plugins-$CNI_PLUGINS_VERSION" "github.com/containernetworking/plugins@$CNI_PLUGINS_VERSION" \
    ./plugins/ipam/host-local ./plugins/main/loopback ./plugins/main/ptp ./plugins/main/bridge ./plugins/meta/portmap
  build_etcd
  build "$BIN/coredns-$COREDNS_VERSION" "github.com/coredns/coredns@$COREDNS_VERSION" .
  build "$BIN/kube-router-$KUBE_ROUTER_VERSION" "github.com/cloudnativelabs/kube-router/v2@$KUBE_ROUTER_VERSION" ./cmd/kube-router
  build_helm
  build "$BIN/kustomize-$KUSTOMIZE_VERSION" "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" .
}

# An image from a context folder, unless docker has it.
image() { # TAG CONTEXT
  have_current "$1" && return 0
  log "image $1"
  docker build -q --build-arg BASE="$BASE" --label "io.github.ds-e2e-setup.cluster-tools=$key" -t "$1" "$2" >/dev/null
}

# An image of one static binary on scratch, as the official ones are (distroless/static).
static_image() { # TAG BINARY ENTRYPOINT-JSON
  have_current "$1" && return 0
  local ctx
  ctx=$(mktemp -d -p "$WORK")
  cp "$2" "$ctx/"
  printf 'FROM scratch\nCOPY %s /usr/local/bin/\nENV PATH=/usr/local/bin:/usr/bin:/bin\n%s\n' \
    "$(basename "$2")" "${3:+ENTRYPOINT $3}" >"$ctx/Dockerfile"
  image "$1" "$ctx"
  rm -rf "$ctx"
}

build_images() {
  local k8s=$BIN/kubernetes-$KUBERNETES_VERSION
  local c
  for c in kube-apiserver kube-controller-manager kube-scheduler; do
    static_image "registry.k8s.io/$c:$KUBERNETES_VERSION" "$k8s/$c" ""
  done
  # kube-proxy and kube-router program iptables and ipset, so they get Debian's tools
  image ds-e2e-test/k8s-netbase:bookworm test-images/cluster/netbase
  if ! have_current "registry.k8s.io/kube-proxy:$KUBERNETES_VERSION"; then
    local ctx
    ctx=$(mktemp -d -p "$WORK")
    cp "$k8s/kube-proxy" "$ctx/"
    printf 'FROM ds-e2e-test/k8s-netbase:bookworm\nCOPY kube-proxy /usr/local/bin/\n' >"$ctx/Dockerfile"
    image "registry.k8s.io/kube-proxy:$KUBERNETES_VERSION" "$ctx"
    rm -rf "$ctx"
  fi
  static_image "registry.k8s.io/etcd:${ETCD_VERSION#v}-0" "$BIN/etcd-$ETCD_VERSION/etcd" ""
  static_image "registry.k8s.io/coredns/coredns:$COREDNS_VERSION" "$BIN/coredns-$COREDNS_VERSION/coredns" '["/usr/local/bin/coredns"]'
  static_image "$PAUSE_IMAGE" "$k8s/pause" '["/usr/local/bin/pause"]'
  # kube-router's image as its Dockerfile lays it out: the CNI plugins it installs in
  # /usr/libexec/cni, and its own cni-install script (build/image-assets)
  if ! have_current "$KUBE_ROUTER_IMAGE"; then
    local ctx kr
    ctx=$(mktemp -d -p "$WORK")
    kr=$(module_src "github.com/cloudnativelabs/kube-router/v2@$KUBE_ROUTER_VERSION")
    mkdir "$ctx/cni"
    cp "$BIN/kube-router-$KUBE_ROUTER_VERSION/kube-router" "$kr/build/image-assets/cni-install" "$ctx/"
    cp "$BIN/cni-plugins-$CNI_PLUGINS_VERSION"/{bridge,portmap,host-local,loopback} "$ctx/cni/"
    printf 'FROM ds-e2e-test/k8s-netbase:bookworm\nCOPY kube-router cni-install /usr/local/bin/\nCOPY cni/ /usr/libexec/cni/\nENTRYPOINT ["/usr/local/bin/kube-router"]\n' >"$ctx/Dockerfile"
    image "$KUBE_ROUTER_IMAGE" "$ctx"
    rm -rf "$ctx"
  fi
}

# kind's base image (images/base/Dockerfile), from our Debian base and the binaries built above
build_base_image() {
  have_image "$BASE_IMAGE" && return 0
  local ctx kind
  ctx=$(mktemp -d -p "$WORK")
  kind=$(module_src "sigs.k8s.io/kind@$KIND_VERSION")
  cp -r "$kind/images/base/files" "$ctx/files"
  cp test-images/cluster/base/Dockerfile "$ctx/"
  mkdir "$ctx/bin" "$ctx/cni"
  cp "$BIN/containerd-$CONTAINERD_VERSION"/{containerd,ctr,containerd-shim-runc-v2} "$BIN/crictl-$CRICTL_VERSION/crictl" "$ctx/bin/"
  cp "$BIN/runc-$RUNC_VERSION/runc" "$ctx/runc"
  cp "$BIN/cni-plugins-$CNI_PLUGINS_VERSION"/{host-local,loopback,ptp,portmap,bridge} "$ctx/cni/"
  image "$BASE_IMAGE" "$ctx"
  rm -rf "$ctx"
}

# The node image, as `kind build node-image` makes it: a container of the base image, the
# Kubernetes binaries copied in, /kind/version and the manifests written, every image imported
# into containerd's k8s.io namespace, then committed.
build_node_image() {
  have_image "$NODE_IMAGE" && return 0
  local k8s=$BIN/kubernetes-$KUBERNETES_VERSION id
  id=kind-build-$(date +%s)-$$
  log "node image $NODE_IMAGE (in $id)"
  BUILD_CONTAINER=$id
  docker run -d --entrypoint=sleep --name "$id" --security-opt seccomp=unconfined "$BASE_IMAGE" infinity >/dev/null
  local b
  for b in kubeadm kubelet kubectl; do docker cp "$k8s/$b" "$id:/usr/bin/$b"; done
  docker exec "$id" sh -c 'chmod +x /usr/bin/kubeadm /usr/bin/kubelet /usr/bin/kubectl && chown root:root /usr/bin/kubeadm /usr/bin/kubelet /usr/bin/kubectl'
  printf '%s' "$KUBERNETES_VERSION" | docker exec -i "$id" sh -c 'cat > /kind/version'

  # the images kubeadm itself asks for must be exactly the ones built here
  local wanted want
  wanted=$(docker exec "$id" kubeadm config images list --kubernetes-version "$KUBERNETES_VERSION" | grep -v pause)
  for want in $wanted; do
    have_image "$want" || { log "kubeadm wants $want, which versions.sh does not build"; return 1; }
  done

  docker exec "$id" mkdir -p /kind/manifests
  sed -e "s#image: docker.io/cloudnativelabs/kube-router#image: $KUBE_ROUTER_IMAGE#" -e 's#imagePullPolicy: Always#imagePullPolicy: IfNotPresent#' \
    "$(module_src "github.com/cloudnativelabs/kube-router/v2@$KUBE_ROUTER_VERSION")/daemonset/generic-kuberouter.yaml" |
    docker exec -i "$id" sh -c 'cat > /kind/manifests/default-cni.yaml'

  # Where the host's capability bounding set lacks CAP_SYS_RESOURCE (see setup-machine.sh), no
  # process may lower its oom_score_adj, and runc fails every pod whose spec asks for a negative
  # one (kubelet asks -998 for the pause container). containerd's restrict_oom_score_adj raises
  # such requests to containerd's own score; where containerd runs at -999 (its unit's
  # OOMScoreAdjust) it changes nothing, so only hosts that need it get it.
  if (( (16#$(awk '/^CapBnd:/ {print $2}' /proc/self/status) >> 24 & 1) == 0 )); then
    docker exec "$id" sed -i 's/restrict_oom_score_adj = false/restrict_oom_score_adj = true/' /etc/containerd/config.toml
  fi

  docker exec "$id" bash -c 'nohup containerd >/dev/null 2>&1 &'
  docker exec "$id" bash -c 'for i in $(seq 1 50); do [ -S /run/containerd/containerd.sock ] && break; sleep 0.2; done; ctr info >/dev/null'
  # the flags kind's own importer uses (pkg/build/nodeimage/imageimporter.go, LoadCommand)
  # shellcheck disable=SC2086
  docker save $wanted "$PAUSE_IMAGE" "$KUBE_ROUTER_IMAGE" |
    docker exec -i "$id" ctr --namespace=k8s.io images import --label=io.cri-containerd.pinned=pinned --all-platforms --no-unpack --digests - >/dev/null
  docker exec "$id" pkill containerd
  docker commit --change 'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]' "$id" "$NODE_IMAGE" >/dev/null
  docker rm -f -v "$id" >/dev/null
  BUILD_CONTAINER=''
}

# The tags: each names the versions it holds, and the local image is keyed by a hash of this
# script, the versions and the Dockerfiles, so a change to any builds anew.
key=$(cat scripts/cluster-tools.sh scripts/cluster-tools/versions.sh test-images/cluster/*/Dockerfile | sha256sum | cut -c1-12)
KUBE_ROUTER_IMAGE=ds-e2e-test/kube-router:$KUBE_ROUTER_VERSION
BASE_IMAGE=ds-e2e-test/kind-base:$CONTAINERD_VERSION-$key
NODE_IMAGE=ds-e2e-test/kind-node:$KUBERNETES_VERSION-$key

bash scripts/test-images.sh >&2
build_go_tools
# the sandbox image kind's containerd config names (findSandboxImage in kind's containerd.go)
PAUSE_IMAGE=$(sed -n 's/^ *sandbox_image *= *"\(.*\)"/\1/p' "$(module_src "sigs.k8s.io/kind@$KIND_VERSION")/images/base/files/etc/containerd/config.toml")
build_images
build_base_image
build_node_image
# one node image per machine: those of an earlier key (1.3 GB each) go
for old in $(docker image ls --format '{{.Repository}}:{{.Tag}}' ds-e2e-test/kind-node; docker image ls --format '{{.Repository}}:{{.Tag}}' ds-e2e-test/kind-base); do
  case "$old" in "$NODE_IMAGE" | "$BASE_IMAGE" | ds-e2e-test/kind-node:standin-*) ;; *) docker rmi "$old" >/dev/null 2>&1 || true ;; esac
done

echo "KIND=$BIN/kind-$KIND_VERSION/kind"
echo "KUBECTL=$BIN/kubernetes-$KUBERNETES_VERSION/kubectl"
echo "HELM=$BIN/helm-$HELM_VERSION/helm"
echo "KUSTOMIZE=$BIN/kustomize-$KUSTOMIZE_VERSION/kustomize"
echo "NODE_IMAGE=$NODE_IMAGE"
echo "KUBERNETES=$KUBERNETES_VERSION"
