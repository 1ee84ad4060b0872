/** Which container engine this leg drives: the cluster's provider, else docker, else podman if it is the only one. */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Engine } from './docker.js';

export function onPath(command: string, path = process.env.PATH ?? ''): boolean {
  return path.split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function detectEngine(preferred?: Engine, path?: string): Engine {
  if (preferred) return preferred;
  if (!onPath('docker', path) && onPath('podman', path)) return 'podman';
  return 'docker';
}
