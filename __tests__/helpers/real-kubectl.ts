/**
 * The real kubectl client this machine image carries (`kubectl.1.27` … `kubectl.1.33` beside the
 * file `kubectl` resolves to), used to prove that the command lines we run parse. It is pointed at
 * a closed port: a parse error (unknown flag or command, bad argument) comes before any
 * connection; a command that parses ends in "connection refused".
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { StandinRecord } from './standins.js';

/** The newest versioned client, else plain `kubectl`, else undefined. */
export function newestKubectl(): string | undefined {
  let found: string;
  try {
    found = execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
  if (!found) return undefined;
  const dir = dirname(realpathSync(found));
  const minor = (f: string) => Number(/^kubectl\.1\.(\d+)$/.exec(f)?.[1] ?? -1);
  const versioned = readdirSync(dir).filter((f) => minor(f) >= 0).sort((a, b) => minor(b) - minor(a));
  return versioned.length ? join(dir, versioned[0]) : found;
}

let closed: string | undefined;
function closedKubeconfig(): string {
  if (closed) return closed;
  closed = join(mkdtempSync(join(tmpdir(), 'kubectl-contract-')), 'kubeconfig');
  writeFileSync(
    closed,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'closed', cluster: { server: 'https://127.0.0.1:1' } }],
      users: [{ name: 'u', user: { token: 'x' } }],
      contexts: [{ name: 'closed', context: { cluster: 'closed', user: 'u' } }],
      'current-context': 'closed',
    }),
  );
  return closed;
}

/** Undefined when the real client accepts the command line; else what it said. */
export function kubectlParseError(kubectl: string, r: StandinRecord): string | undefined {
  const args = [...r.args];
  const at = args.indexOf('--kubeconfig');
  if (at >= 0) args[at + 1] = closedKubeconfig();
  const input = r.objects ? r.objects.map((o) => stringify(o)).join('---\n') : '';
  const run = spawnSync(kubectl, args, { input, encoding: 'utf8', timeout: 30_000 });
  const said = `${run.stderr}${run.stdout}`;
  return /connect: connection refused|The connection to the server 127\.0\.0\.1:1 was refused/.test(said) ? undefined : said.trim() || `exit ${run.status}`;
}
