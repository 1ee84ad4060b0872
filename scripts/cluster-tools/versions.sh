# The versions scripts/cluster-tools.sh builds, each from the Go module proxy (or, for the
# pause container, from Kubernetes' own C source), with where each one comes from. Changing one
# changes the cache key, so the next run builds anew.

# kind: v0.33.0, the newest release in the action's table (src/tools/releases.ts). Not the default
# v0.32.0: the action pins v0.32.0 to its release binary's sha256, which a build here cannot
# match (another Go, other flags), so it would rightly refuse ours. v0.33.0 has no pin and is
# verified by the mirror's .sha256sum, which is how the tests install it.
KIND_VERSION=v0.33.0

# Kubernetes: v1.34, not kind v0.33.0's default v1.37. Our machines run cgroup v1, and from v1.35
# the kubelet refuses cgroup v1 (KEP-5573; the action's preflight says so and stops). v1.34.11 is
# the v1.34 node kind v0.33.0 lists (src/tools/releases.ts). It is also the first v1.34 patch for
# which our module proxy serves every staging module the build needs: at v1.34.8 (kind v0.32.0's
# v1.34) it refuses k8s.io/cri-api, k8s.io/externaljwt and k8s.io/kube-proxy ("403 This module
# version is not available").
KUBERNETES_VERSION=v1.34.11
# The staging modules (k8s.io/api, k8s.io/client-go, ...) are tagged v0.X.Y for Kubernetes v1.X.Y.
KUBERNETES_STAGING_VERSION=v0.34.11

# The node's runtime, as kind v0.33.0's base image builds it (images/base/Dockerfile, the ARGs
# CONTAINERD_VERSION, RUNC_VERSION, CRICTL_VERSION, CNI_PLUGINS_VERSION, and BUILDTAGS).
CONTAINERD_VERSION=v2.3.4
CONTAINERD_BUILDTAGS="no_aufs no_zfs no_btrfs no_devmapper"
RUNC_VERSION=v1.4.3
CRICTL_VERSION=v1.36.0
CNI_PLUGINS_VERSION=v1.9.1

# The images kubeadm v1.34.11 runs, from k8s.io/kubernetes cmd/kubeadm/app/constants/constants.go
# at v1.34.11 (DefaultEtcdVersion "3.6.5-0", CoreDNSVersion "v1.12.1"). The script checks them
# against `kubeadm config images list`, so a mismatch stops the build. The pause image's tag is
# the sandbox_image in kind's containerd config, read at build time as kind itself reads it.
ETCD_VERSION=v3.6.5
COREDNS_VERSION=v1.12.1

# The CNI. kind's own kindnetd is a nested module of the kind repository
# (sigs.k8s.io/kind/images/kindnetd) that the module proxy here does not serve ("403 This
# module version is not available"), so the node's default CNI is kube-router, a production CNI
# that is served: its newest version on the proxy, with its own manifest for a cluster whose
# pods reach the API server in-cluster (daemonset/generic-kuberouter.yaml).
KUBE_ROUTER_VERSION=v2.1.0

# helm and kustomize for the tests, installed through the action's own install path.
# helm v3.21.4: the newest Helm 3 release our module proxy serves (v3.22.0 is served but not
# approved for use here); kustomize v5.8.1: the version k8s.io/kubernetes v1.36.1's go.mod pins.
HELM_VERSION=v3.21.4
KUSTOMIZE_VERSION=v5.8.1
