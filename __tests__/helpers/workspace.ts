/** Temporary workspaces with the files an environment file references. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface Workspace {
  dir: string;
  write(path: string, text: string): string;
  remove(): void;
}

export function makeWorkspace(files: Record<string, string> = {}): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'ds-e2e-ws-'));
  const ws: Workspace = {
    dir,
    write(path, text) {
      const full = join(dir, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, text);
      return full;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  for (const [p, t] of Object.entries(files)) ws.write(p, t);
  return ws;
}

/** A complete, valid cluster environment and everything it references. */
export const FULL_ENV_FILES: Record<string, string> = {
  'app/Dockerfile': 'FROM scratch\n',
  'migrations/001_init.sql': '-- +goose Up\nCREATE TABLE t (id int);\n',
  'manifests/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x, namespace: ${NAMESPACE} }\ndata: { image: "${IMAGE_API}", db: "${POSTGRES_URL}" }\n',
  'kind.yaml': 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n',
  'e2e.yaml': `name: api
cluster: { workers: 1, kindConfig: kind.yaml }
images:
  api: { context: app }
postgres: { migrations: migrations }
redis: {}
deploy:
  manifests: [manifests]
  wait: [deployment/api]
  expose:
    api: { service: api, port: 8080, health: /health }
`,
};
