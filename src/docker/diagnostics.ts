/**
 * Evidence from this leg's containers, written before anything is removed: each container's
 * log and its inspect output. Secrets in the inspect output's environment are redacted, since
 * `post` runs in a new process that no longer knows the generated values.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Docker } from './docker.js';

const SECRET_ENV = /PASSWORD|SECRET|TOKEN|KEY/i;

export async function writeContainerDiagnostics(
  docker: Docker,
  labels: Record<string, string>,
  dir: string,
  mask: (text: string) => string,
): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const name of await docker.containers(labels)) {
    const log = join(dir, `${name}.log`);
    writeFileSync(log, mask(await docker.logs(name)));
    const inspect = join(dir, `${name}.inspect.json`);
    writeFileSync(inspect, mask(redactEnv(await docker.inspect(name))));
    written.push(log, inspect);
  }
  return written;
}

export function redactEnv(inspectJson: string): string {
  try {
    const objects = JSON.parse(inspectJson) as { Config?: { Env?: string[] } }[];
    for (const o of objects) {
      if (o.Config?.Env) {
        o.Config.Env = o.Config.Env.map((kv) => {
          const eq = kv.indexOf('=');
          return eq > 0 && SECRET_ENV.test(kv.slice(0, eq)) ? `${kv.slice(0, eq)}=***` : kv;
        });
      }
    }
    return JSON.stringify(objects, null, 2);
  } catch {
    return inspectJson;
  }
}
