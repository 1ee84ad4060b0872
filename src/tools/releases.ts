/**
 * The one table that pairs each kind release with its node images and pins checksums.
 * Nothing here is invented: each value is copied from the public source named beside it.
 * A version not in this table is still installable: its checksum then comes from the file the
 * upstream publishes beside the binary (`.sha256sum` for kind, `.sha256` for kubectl).
 */
import type { Platform } from './platform.js';

type PerPlatform = Record<`${Platform['os']}-${Platform['arch']}`, string>;

export interface KindRelease {
  /** The Kubernetes version of the release's default node image. */
  defaultKubernetes: string;
  /** Pre-built node images from the release notes, by Kubernetes version, pinned by digest. */
  nodeImages: Record<string, string>;
  /** sha256 of kind-<os>-<arch>; absent where no named public source was found. */
  sha256?: PerPlatform;
}

export const KIND_RELEASES: Record<string, KindRelease> = {
  // Default image: kubernetes-sigs/kind PR #4248 (merged 2026-08-26); images: the v0.33.0 release
  // notes as quoted in polarsquad/krops#112. Binary checksums were only found in unnamed copies,
  // so they are left to the published .sha256sum file.
  'v0.33.0': {
    defaultKubernetes: 'v1.37.0',
    nodeImages: {
      'v1.37.0': 'kindest/node:v1.37.0@sha256:a1ed56cfb0e7b93589bdf97c8cd566405a265939e3620fc4f5de89adff580ae5',
      'v1.36.4': 'kindest/node:v1.36.4@sha256:099e049362a1526b2db71494e1947aae99bd16290d7c895f2b7ea312e3cbfaed',
      'v1.35.8': 'kindest/node:v1.35.8@sha256:07b2536e30b803ed61d1677a79df6115f798ce64c80f9e22f6ed45afd09323c0',
      'v1.34.11': 'kindest/node:v1.34.11@sha256:44e222ee2132dab25ff87301682f89eb82c7880ea3a1bf543bfe9708fd08d67d',
    },
  },
  // Default image: kubernetes-sigs/kind pkg/apis/config/defaults/image.go at tag v0.32.0 (cda67ef8).
  // Images: kubernetes-sigs/cluster-api test/infrastructure/kind/mapper.go (ae7ff047), "Kind v0.32".
  // Checksums: cert-manager/makefile-modules modules/tools/00_mod.mk at 76e498e6 (kind_*_SHA256SUM).
  'v0.32.0': {
    defaultKubernetes: 'v1.36.1',
    nodeImages: {
      'v1.36.1': 'kindest/node:v1.36.1@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5',
      'v1.35.5': 'kindest/node:v1.35.5@sha256:ce977ae6d65918d0b58a5f8b5e940429c2ce42fa3a5619ec2bbc60b949c0ac95',
      'v1.34.8': 'kindest/node:v1.34.8@sha256:02722c2dedddcfc00febf5d27fbeb9b7b2c14294c82109ff4a85d89ac9ba3256',
      'v1.33.12': 'kindest/node:v1.33.12@sha256:3f5c8443c620245e4d355cfe09e96a91ead32ceaa569d3f1ca9edf0cb2fe2ff4',
    },
    sha256: {
      'linux-amd64': '50030de23cf40a18505f20426f6a8506bedf13c6e509244bd1fa9463721b0f54',
      'linux-arm64': 'b92cd615e97585de8ddade28ed5cd7feb4248d717c233eea5b03c37298900f5d',
      'darwin-amd64': '295ac6d0d634c9819c9907df45e3017d1f13166bd13c3404c45e79f7faa47498',
      'darwin-arm64': 'dca67911095a110c2b5c36e26df6cac860c602033e456c0db47be498cdef1ebb',
    },
  },
  // Default image: image.go at tag v0.31.0 (a323333f); images: cluster-api mapper.go (ae7ff047);
  // checksums: cert-manager/makefile-modules 00_mod.mk at 0eb8d472.
  'v0.31.0': {
    defaultKubernetes: 'v1.35.0',
    nodeImages: {
      'v1.35.0': 'kindest/node:v1.35.0@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f',
      'v1.34.3': 'kindest/node:v1.34.3@sha256:08497ee19eace7b4b5348db5c6a1591d7752b164530a36f855cb0f2bdcbadd48',
      'v1.33.7': 'kindest/node:v1.33.7@sha256:d26ef333bdb2cbe9862a0f7c3803ecc7b4303d8cea8e814b481b09949d353040',
      'v1.32.11': 'kindest/node:v1.32.11@sha256:5fc52d52a7b9574015299724bd68f183702956aa4a2116ae75a63cb574b35af8',
      'v1.31.14': 'kindest/node:v1.31.14@sha256:6f86cf509dbb42767b6e79debc3f2c32e4ee01386f0489b3b2be24b0a55aac2b',
    },
    sha256: {
      'linux-amd64': 'eb244cbafcc157dff60cf68693c14c9a75c4e6e6fedaf9cd71c58117cb93e3fa',
      'linux-arm64': '8e1014e87c34901cc422a1445866835d1e666f2a61301c27e722bdeab5a1f7e4',
      'darwin-amd64': 'a8b3cf77b2ad77aec5bf710d1a2589d9117576132af812885cad41e9dede4d4e',
      'darwin-arm64': '88bf554fe9da6311c9f8c2d082613c002911a476f6b5090e9420b35d84e70c5c',
    },
  },
};

/**
 * The pinned kind: the newest release whose binary checksums come from a named source.
 * (v0.33.0 is in the table and installable with `kind-version: v0.33.0`, verified by its .sha256sum.)
 */
export const DEFAULT_KIND_VERSION = 'v0.32.0';

/** kubectl checksums: cert-manager/makefile-modules 00_mod.mk (kubectl_*_SHA256SUM) at 76e498e6 (v1.36.1) and 0eb8d472 (v1.35.0). */
export const KUBECTL_SHA256: Record<string, PerPlatform> = {
  'v1.36.1': {
    'linux-amd64': '629d3f410e09bf49b64ae7079f7f0bda1191efed311f7d37fdbab0ad5b0ec2b7',
    'linux-arm64': '59f7ee8e477fae658447607dc3c8790ac17a1b016c01c622c12070e969e2d4e7',
    'darwin-amd64': 'b4973e90ebb00537d735b63d6f8293c1959156e6ff435f6a43c08aeaa1a2e7d7',
    'darwin-arm64': '9092778abaef3079449da4cd70ded0e4be112480c93efcdeace3155968d1d133',
  },
  'v1.35.0': {
    'linux-amd64': 'a2e984a18a0c063279d692533031c1eff93a262afcc0afdc517375432d060989',
    'linux-arm64': '58f82f9fe796c375c5c4b8439850b0f3f4d401a52434052f2df46035a8789e25',
    'darwin-amd64': '2447cb78911b10a667202b078eeb30541ec78d1280c3682921dc81607e148d96',
    'darwin-arm64': 'cf699c56340dc775230fde4ef84237d27563ea6ef52164c7d078072b586c3918',
  },
};

/** kubectl matches the default Kubernetes minor of the pinned kind (v1.36). */
export const DEFAULT_KUBECTL_VERSION = 'v1.36.1';

/**
 * helm: v3.22.0 is the newest Helm 3 ("There will be no further Helm 3 minor releases", its
 * release notes, https://github.com/helm/helm/releases/tag/v3.22.0). The linux-amd64 checksum is
 * the one those notes print beside the archive's link; other platforms use the published
 * .sha256sum file (helm's Makefile writes `shasum -a 256` output there).
 */
export const DEFAULT_HELM_VERSION = 'v3.22.0';
export const HELM_SHA256: Record<string, Partial<PerPlatform>> = {
  'v3.22.0': { 'linux-amd64': '1e4ab49e429626cf6c6958d914248b78c9730803c2751b87627e171dc800e7bb' },
};
/** get.helm.sh, as helm's scripts/get-helm-3 downloads it; the archive holds `<os>-<arch>/helm`. */
export const DEFAULT_HELM_URL = 'https://get.helm.sh/helm-{version}-{os}-{arch}.tar.gz';

export const DEFAULT_KIND_URL = 'https://github.com/kubernetes-sigs/kind/releases/download/{version}/kind-{os}-{arch}';
export const DEFAULT_KUBECTL_URL = 'https://dl.k8s.io/release/{version}/bin/{os}/{arch}/kubectl';

export class NodeImageError extends Error {
  override name = 'NodeImageError';
}

/**
 * The node image for a cluster: the given image, else the pre-built one that the kind release's
 * notes list for that Kubernetes version. kind's docs say to take node images from the release
 * notes of the kind in use, so a version the release does not list is refused, naming the ones
 * it does, rather than guessed as a plain tag built for another release.
 */
export function nodeImageFor(kindVersion: string, kubernetes?: string, nodeImage?: string): string {
  if (nodeImage) return nodeImage;
  const release = KIND_RELEASES[kindVersion];
  if (!release) {
    throw new NodeImageError(
      `kind ${kindVersion} is not in this action's release table (${Object.keys(KIND_RELEASES).join(', ')}), so its node images are not known: give a full node image reference (cluster.nodeImage or the node-image input)`,
    );
  }
  const version = kubernetes ?? release.defaultKubernetes;
  const image = release.nodeImages[version];
  if (!image) {
    throw new NodeImageError(
      `Kubernetes ${version} has no node image in kind ${kindVersion}'s release notes; they list ${Object.keys(release.nodeImages).join(', ')}. Use one of those, or give a full node image reference as cluster.nodeImage`,
    );
  }
  return image;
}

/** The Kubernetes version a node image is tagged with (`kindest/node:v1.34.8@sha256:…`), if it says. */
export function kubernetesOfImage(ref: string): string | undefined {
  return /:(v\d+\.\d+\.\d+)(?:@|$)/.exec(ref)?.[1];
}
