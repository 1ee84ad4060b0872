/** Reads what docker holds for a leg, straight from the daemon. */
import { execFileSync } from 'node:child_process';

export function labelled(kind: 'ps' | 'network' | 'volume', labels: Record<string, string>): string[] {
  const filters = Object.entries(labels).flatMap(([k, v]) => ['--filter', `label=${k}=${v}`]);
  const args = kind === 'ps' ? ['ps', '--all', ...filters, '--format', '{{.Names}}'] : [kind, 'ls', ...filters, '--format', '{{.Name}}'];
  return execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean);
}

export function leftovers(labels: Record<string, string>): { containers: string[]; networks: string[]; volumes: string[] } {
  return { containers: labelled('ps', labels), networks: labelled('network', labels), volumes: labelled('volume', labels) };
}

export function imageExists(ref: string): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', ref], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function removeImage(ref: string): void {
  if (imageExists(ref)) execFileSync('docker', ['rmi', '--force', ref], { stdio: 'ignore' });
}
