/**
 * A user's kustomization with this run's images put in, by kustomize itself: a small wrapper
 * kustomization whose only resource is the user's folder and whose `images:` maps each image's
 * name (or its `replaces`) to the content tag built in this run. kustomize's images transformer
 * then does what it does for any overlay (matches by name whatever the tag or digest, in every
 * container and init container). kustomize refuses an absolute resource path ("new root cannot
 * be absolute"), so the wrapper names the folder relative to itself.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';

export interface ImageReplacement {
  /** The reference in the manifests, by name: `ghcr.io/org/api`. */
  name: string;
  /** This run's tag: `api:e2e-0123abcd`. */
  tag: string;
}

/** kustomize's images entry for a built tag: the part before the last ':' after the last '/' is the name. */
export function imageEntry(r: ImageReplacement): { name: string; newName: string; newTag?: string } {
  const slash = r.tag.lastIndexOf('/');
  const colon = r.tag.lastIndexOf(':');
  return colon > slash ? { name: r.name, newName: r.tag.slice(0, colon), newTag: r.tag.slice(colon + 1) } : { name: r.name, newName: r.tag };
}

/** Writes the wrapper into `into` (a folder of this leg) and returns it. */
export function wrapKustomization(userDir: string, into: string, images: ImageReplacement[]): string {
  mkdirSync(into, { recursive: true });
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [relative(into, userDir) || '.'],
    ...(images.length > 0 ? { images: images.map(imageEntry) } : {}),
  };
  writeFileSync(join(into, 'kustomization.yaml'), stringify(kustomization));
  return into;
}
