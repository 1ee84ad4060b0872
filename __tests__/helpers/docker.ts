/** Reads what docker holds for a leg, straight from the daemon. */
import { execFileSync, spawnSync } from 'node:child_process';
import { PG_DATA_MOUNT } from '../../src/deps/presets.js';

export function labelled(kind: 'ps' | 'network' | 'volume', labels: Record<string, string>): string[] {
  const filters = Object.entries(labels).flatMap(([k, v]) => ['--filter', `label=${k}=${v}`]);
  const args = kind === 'ps' ? ['ps', '--all', ...filters, '--format', '{{.Names}}'] : [kind, 'ls', ...filters, '--format', '{{.Name}}'];
  return execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean);
}

export function leftovers(labels: Record<string, string>): { containers: string[]; networks: string[]; volumes: string[] } {
  return { containers: labelled('ps', labels), networks: labelled('network', labels), volumes: labelled('volume', labels) };
}

/** A container's mounts, as docker inspect gives them. */
function mounts(container: string): { Type: string; Name: string; Destination: string }[] {
  return JSON.parse(execFileSync('docker', ['inspect', '--format', '{{json .Mounts}}', container], { encoding: 'utf8' })) as { Type: string; Name: string; Destination: string }[];
}

/** The volumes a container mounts at PostgreSQL's data mount (not the image's own), each with the file system its driver mounts ('' for plain disk). */
export function mountedVolumes(container: string): { name: string; type: string }[] {
  return mounts(container)
    .filter((m) => m.Type === 'volume' && m.Destination === PG_DATA_MOUNT)
    .map((m) => ({ name: m.Name, type: execFileSync('docker', ['volume', 'inspect', '--format', '{{with .Options}}{{or .type ""}}{{end}}', m.Name], { encoding: 'utf8' }).trim() }));
}

/**
 * Every volume the leg's containers mount. They are anonymous and carry no label, so a label
 * filter never finds them: read them while the containers run, and look for them by name after.
 */
export function legVolumes(labels: Record<string, string>): string[] {
  const names = labelled('ps', labels).flatMap((c) => mounts(c).filter((m) => m.Type === 'volume').map((m) => m.Name));
  return [...new Set(names)]; // a holder's volume is mounted by the database too
}

export function volumeExists(name: string): boolean {
  return execFileSync('docker', ['volume', 'ls', '--quiet'], { encoding: 'utf8' }).split('\n').includes(name);
}

/** The image's id, or undefined when it is not on the host. */
export function imageId(ref: string): string | undefined {
  try {
    return execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', ref], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function imageExists(ref: string): boolean {
  return imageId(ref) !== undefined;
}

export function removeImage(ref: string): void {
  if (imageExists(ref)) execFileSync('docker', ['rmi', '--force', ref], { stdio: 'ignore' });
}

export function containerExists(name: string): boolean {
  return spawnSync('docker', ['container', 'inspect', name], { stdio: 'ignore' }).status === 0;
}

/** Where a running PostgreSQL's PGDATA is, and the file system it is on (tmpfs, ext4, overlay, …). */
export function pgDataFs(container: string): { pgdata: string; fs: string } {
  const [pgdata, fs] = execFileSync('docker', ['exec', container, 'sh', '-c', 'echo "$PGDATA"; stat -f -c %T "$PGDATA"'], { encoding: 'utf8' }).trim().split('\n');
  return { pgdata, fs };
}
