/**
 * Which environment files a change affects, and the matrix for them. A leg is affected when a
 * changed file is the environment file itself or anything it references (manifests, migrations,
 * image contexts and Dockerfiles, kind config), or matches one of its `paths:` globs. A file
 * without `paths:` always runs. Each affected file is expanded over the axes given.
 */
import { relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { globSync } from 'tinyglobby';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/normalize.js';
import type { Changes } from './changes.js';

export type Axes = Record<string, (string | number | boolean)[]>;

export interface Leg {
  config: string;
  name: string;
  [axis: string]: string | number | boolean;
}

export interface MatrixPlan {
  matrix: { include: Leg[] };
  any: boolean;
  /** Why each environment runs or not, for the log. */
  reasons: Record<string, string>;
  notices: string[];
}

export function findConfigs(workspace: string, pattern: string): string[] {
  return globSync(pattern, { cwd: workspace, onlyFiles: true }).sort();
}

export function planMatrix(workspace: string, configs: string[], changes: Changes, axes: Axes = {}): MatrixPlan {
  const include: Leg[] = [];
  const reasons: Record<string, string> = {};
  const notices = changes.known ? [] : [`every leg runs: ${changes.reason}`];
  for (const file of configs) {
    const config = loadConfig(file, { workspace });
    const why = changes.known ? affected(config, file, changes.files, workspace) : 'the change is unknown';
    reasons[file] = why ?? 'not affected';
    if (why) for (const values of product(axes)) include.push({ config: file, name: config.name, ...values });
  }
  return { matrix: { include }, any: include.length > 0, reasons, notices };
}

/** Why the change affects this environment, or undefined. */
function affected(config: Config, file: string, changed: string[], workspace: string): string | undefined {
  if (!config.paths || config.paths.length === 0) return 'it has no paths: and so always runs';
  const rel = (abs: string) => relative(workspace, abs).split(sep).join('/');
  // folders end in `/`; the workspace itself is `./`, which every file is in
  const folder = (abs: string) => (rel(abs) ? `${rel(abs)}/` : './');
  const referenced = [
    file,
    ...(config.deploy?.manifests ?? []).map(rel),
    ...(config.postgres?.migrations ? [folder(config.postgres.migrations.path)] : []),
    ...Object.values(config.images).flatMap((i) => [folder(i.context), rel(i.dockerfile)]),
    ...(config.cluster?.kindConfig ? [rel(config.cluster.kindConfig)] : []),
  ];
  const inPaths = picomatch(config.paths, { dot: true });
  for (const f of changed) {
    const ref = referenced.find((r) => (r.endsWith('/') ? r === './' || f.startsWith(r) : f === r));
    if (ref) return `${f} is referenced by the environment file (${ref})`;
    if (inPaths(f)) return `${f} matches its paths:`;
  }
  return undefined;
}

function product(axes: Axes): Record<string, string | number | boolean>[] {
  let rows: Record<string, string | number | boolean>[] = [{}];
  for (const [axis, values] of Object.entries(axes)) rows = rows.flatMap((row) => values.map((v) => ({ ...row, [axis]: v })));
  return rows;
}
