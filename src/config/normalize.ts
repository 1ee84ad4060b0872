/**
 * From a validated file to the Config the rest of the program uses: defaults that depend on
 * other fields, absolute paths that exist, manifests expanded to files, placeholders checked.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from './errors.js';
import { fieldPath } from './issues.js';
import { ownsNetwork, readKindConfigFile } from './kind-file.js';
import { chartProblem, DeploySourceError, KUSTOMIZATION_FILES, kustomizationFile, kustomizeFiles, kustomizeUsesHelm } from './deploy-sources.js';
import { checkPath, displayPath } from './paths.js';
import { envKey, findPlaceholders, knownPlaceholders, migrateCommandPlaceholders } from './placeholders.js';
import type { EnvFile, MigrationTool } from './schema.js';

export type Placement = 'cluster' | 'docker';

export interface ImageConfig {
  context: string;
  dockerfile: string;
  target?: string;
  buildArgs: Record<string, string>;
  /** The reference the kustomize output uses for this image, replaced by its content tag. */
  replaces?: string;
}

export interface HelmRelease {
  /** Absolute: a chart folder or a packaged .tgz. */
  chart: string;
  release: string;
  namespace: string;
  /** Absolute paths, in order. */
  values: string[];
  /** Strings keep helm's string semantics (`--set-string`); numbers and booleans go as `--set`. */
  set: Record<string, string | number | boolean>;
}

export interface Config {
  /** What the file asks that will do nothing, said at the start of a run (not errors). */
  warnings: string[];
  /** Absolute path of the environment file. */
  file: string;
  workspace: string;
  name: string;
  namespace: string;
  paths?: string[];
  cluster?: {
    kubernetes?: string;
    nodeImage?: string;
    workers: number;
    provider: 'docker' | 'podman';
    kindConfig?: string;
  };
  images: Record<string, ImageConfig>;
  postgres?: {
    image: string;
    placement: Placement;
    database: string;
    user: string;
    /** Where the data directory lives: in RAM, or where the image keeps it. */
    storage: 'memory' | 'disk';
    /** The folder (absolute), the tool when given (else detected when the set is read), its ledger table. */
    migrations?: { path: string; tool?: MigrationTool; table?: string };
    migrateCommand?: string[];
  };
  redis?: { image: string; placement: Placement };
  deploy?: {
    /** The manifest files, folders expanded, in apply order. */
    manifests: string[];
    /** Kustomization folders (absolute), rendered after the manifests. */
    kustomize: string[];
    /** A kustomization inflates Helm charts: helm is installed, and kustomize runs with --enable-helm. */
    kustomizeHelm: boolean;
    /** Charts, installed after the kustomizations. */
    helm: HelmRelease[];
    wait: string[];
    expose: Record<string, { service: string; port: number | string; health?: string }>;
  };
}

interface Where {
  file: string;
  shown: string;
  workspace: string;
  lineOf: (path: PropertyKey[]) => number | undefined;
}

const MANIFEST = /\.(ya?ml|json)$/;

export function normalize(env: EnvFile, where: Where): Config {
  const problems: string[] = [];
  const problem = (path: PropertyKey[], text: string): void => {
    const line = where.lineOf(path);
    problems.push(`${line ? `line ${line}: ` : ''}${fieldPath(path)}: ${text}`);
  };
  const abs = (p: string): string => resolve(where.workspace, p);
  /** `noun`: what the message calls it (default: the kind wanted, or "path"). */
  const mustExist = (path: PropertyKey[], p: string, want: 'file' | 'folder' | 'any', noun = want === 'any' ? 'path' : want): string => {
    const full = abs(p);
    const wrong = checkPath(full, want);
    if (wrong) problem(path, `${noun} "${p}" ${wrong} (resolved to ${full})`);
    return full;
  };

  const kindFile = env.cluster?.kindConfig && mustExist(['cluster', 'kindConfig'], env.cluster.kindConfig, 'file');
  let ownNetwork = false;
  if (kindFile && !checkPath(kindFile, 'file')) {
    try {
      ownNetwork = ownsNetwork(readKindConfigFile(kindFile));
    } catch (err) {
      problem(['cluster', 'kindConfig'], `${displayPath(kindFile, where.workspace)}: ${(err as Error).message}`);
    }
  }

  const hasCluster = env.cluster !== undefined;
  // With a network the user installs, no pod runs (no CNI) or no Service answers (no kube-proxy)
  // before their deploy, and the deploy waits for the dependencies: in the cluster they would
  // never be ready. Beside it, as containers, they are.
  const placementOf = (key: 'postgres' | 'redis', given: Placement | undefined): Placement => {
    if (given === 'cluster' && !hasCluster) problem([key, 'placement'], '"cluster" needs a `cluster` key; without a cluster use "docker"');
    if (given === 'cluster' && ownNetwork) {
      problem(
        [key, 'placement'],
        '"cluster" cannot start: the kindConfig disables the default CNI or kube-proxy, so no pod runs (or no Service answers) until deploy installs them, and deploy waits for this dependency; use "docker" (the default here), reached in the cluster by the same name',
      );
    }
    return given ?? (hasCluster && !ownNetwork ? 'cluster' : 'docker');
  };
  // kindest/node tags start with "v": 1.34.8 means v1.34.8
  const kubernetes = env.cluster?.kubernetes && (env.cluster.kubernetes.startsWith('v') ? env.cluster.kubernetes : `v${env.cluster.kubernetes}`);
  const cluster = env.cluster && { ...env.cluster, kubernetes, kindConfig: kindFile };

  const images: Record<string, ImageConfig> = {};
  for (const [name, img] of Object.entries(env.images)) {
    const context = mustExist(['images', name, 'context'], img.context, 'folder');
    const dockerfile = img.dockerfile
      ? mustExist(['images', name, 'dockerfile'], img.dockerfile, 'file')
      : join(context, 'Dockerfile');
    if (!img.dockerfile && !checkPath(context, 'folder') && checkPath(dockerfile, 'file')) {
      problem(['images', name, 'dockerfile'], `not given, and ${displayPath(dockerfile, where.workspace)} does not exist`);
    }
    const buildArgs = Object.fromEntries(Object.entries(img.buildArgs).map(([k, v]) => [k, String(v)]));
    images[name] = { context, dockerfile, target: img.target, buildArgs, ...(img.replaces ? { replaces: img.replaces } : {}) };
  }

  const m = env.postgres?.migrations;
  const mig = typeof m === 'string' ? { path: m } : m;
  if (mig && 'tool' in mig && mig.tool === 'sql' && mig.table) problem(['postgres', 'migrations', 'table'], 'plain SQL keeps no ledger: give a table only with goose, golang-migrate or dbmate');
  const postgres = env.postgres && {
    ...env.postgres,
    placement: placementOf('postgres', env.postgres.placement),
    migrations: mig && { ...mig, path: mustExist(['postgres', 'migrations', ...(typeof m === 'string' ? [] : ['path'])], mig.path, 'folder') },
  };
  const redis = env.redis && { ...env.redis, placement: placementOf('redis', env.redis.placement) };

  const namespace = env.namespace ?? `${env.name}-e2e`;
  let deploy: Config['deploy'];
  if (env.deploy) {
    if (!hasCluster) problem(['deploy'], 'deploying manifests needs a `cluster` key');
    const files: string[] = [];
    (env.deploy.manifests ?? []).forEach((m, i) => {
      const full = mustExist(['deploy', 'manifests', i], m, 'any');
      if (checkPath(full, 'any')) return; // missing: reported by mustExist
      const isFolder = checkPath(full, 'folder') === undefined;
      if (!isFolder) files.push(full);
      else {
        const inside = listManifests(full);
        if (inside.length === 0) problem(['deploy', 'manifests', i], `folder "${m}" holds no .yaml, .yml or .json file`);
        files.push(...inside);
      }
    });
    const kustomize = (env.deploy.kustomize ?? []).map((k, i) => {
      const full = mustExist(['deploy', 'kustomize', i], k, 'folder');
      if (!checkPath(full, 'folder') && !kustomizationFile(full)) {
        problem(['deploy', 'kustomize', i], `folder "${k}" holds no kustomization file (${KUSTOMIZATION_FILES.join(', ')})`);
      }
      return full;
    });
    const looksInNamespace = env.deploy.wait.length > 0 || Object.keys(env.deploy.expose).length > 0;
    const helm = (env.deploy.helm ?? []).map((h, i): HelmRelease => {
      const chart = mustExist(['deploy', 'helm', i, 'chart'], h.chart, 'any', 'chart');
      const wrong = checkPath(chart, 'any') ? undefined : chartProblem(chart, h.chart);
      if (wrong) problem(['deploy', 'helm', i, 'chart'], wrong);
      if (h.namespace && h.namespace !== namespace && looksInNamespace) {
        problem(['deploy', 'helm', i, 'namespace'], `wait and expose look in the environment's namespace "${namespace}"; install the chart there (leave namespace out) or wait for it in your tests`);
      }
      return {
        chart,
        release: h.release,
        namespace: h.namespace ?? namespace,
        values: h.values.map((v, j) => mustExist(['deploy', 'helm', i, 'values', j], v, 'file')),
        set: h.set,
      };
    });
    // a kustomization that inflates charts needs helm, and kubectl kustomize --enable-helm
    // (a kustomization that cannot be read is reported with the other kustomize checks below)
    const usesHelm = (k: string): boolean => {
      try {
        return !checkPath(k, 'folder') && kustomizationFile(k) !== undefined && kustomizeUsesHelm(k);
      } catch {
        return false;
      }
    };
    const kustomizeHelm = kustomize.some(usesHelm);
    deploy = { wait: env.deploy.wait, expose: env.deploy.expose, manifests: files, kustomize, kustomizeHelm, helm };
  }

  // Names become environment variables (IMAGE_X, X_URL): two that map to one variable collide.
  checkCollisions(Object.keys(env.images), 'images', (n) => `IMAGE_${envKey(n)}`, problem);
  if (env.deploy) {
    const taken = new Set([...(env.postgres ? ['POSTGRES_URL'] : []), ...(env.redis ? ['REDIS_URL'] : [])]);
    checkCollisions(Object.keys(env.deploy.expose), ['deploy', 'expose'], (n) => `${envKey(n)}_URL`, problem, taken);
  }

  const warnings: string[] = [];
  if (deploy) {
    const known = knownPlaceholders(env);
    const knownList = [...known].sort().join(', ');
    // each file is read once, for the placeholder check and the `replaces` check alike
    const texts = new Map<string, string | undefined>();
    const read = (file: string): string | undefined => {
      if (!texts.has(file)) {
        try {
          texts.set(file, readFileSync(file, 'utf8'));
        } catch {
          texts.set(file, undefined); // reported above as missing
        }
      }
      return texts.get(file);
    };
    const checkFiles = (field: string, files: string[]): void => {
      for (const file of files) {
        for (const ph of findPlaceholders(read(file) ?? '')) {
          if (!known.has(ph.name)) problems.push(`${field}: ${displayPath(file, where.workspace)}:${ph.line}: unknown placeholder \${${ph.name}} (for a literal \${${ph.name}}, write $\${${ph.name}}); known: ${knownList}`);
        }
      }
    };
    checkFiles('deploy.manifests', deploy.manifests);
    const kustomized = deploy.kustomize.flatMap((k, i) => {
      try {
        return kustomizeFiles(k);
      } catch (err) {
        if (!(err instanceof DeploySourceError)) throw err;
        problem(['deploy', 'kustomize', i], `${displayPath(err.file, where.workspace)} ${err.problem}`);
        return [];
      }
    });
    checkFiles('deploy.kustomize', kustomized);
    deploy.helm.forEach((h, i) => {
      checkFiles(`deploy.helm[${i}].values`, h.values);
      for (const [key, value] of Object.entries(h.set)) {
        for (const ph of findPlaceholders(String(value))) {
          if (!known.has(ph.name)) problem(['deploy', 'helm', i, 'set', key], `unknown placeholder \${${ph.name}}; known: ${knownList}`);
        }
      }
    });
    // `replaces` names a reference the kustomize output should use; one that no file holds replaces nothing
    const manifestTexts = [...deploy.manifests, ...kustomized].map((f) => read(f) ?? '');
    for (const [name, img] of Object.entries(images)) {
      if (!img.replaces) continue;
      const used = new RegExp(`(^|[\\s"'])${img.replaces.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([:@"'\\s]|$)`, 'm');
      if (!manifestTexts.some((t) => used.test(t))) {
        warnings.push(`images.${name}.replaces: no manifest or kustomization resource names "${img.replaces}", so nothing will be replaced`);
      }
    }
  }
  if (postgres?.migrateCommand) {
    const known = migrateCommandPlaceholders();
    postgres.migrateCommand.forEach((arg, i) => {
      for (const ph of findPlaceholders(arg)) {
        if (!known.has(ph.name)) {
          problem(['postgres', 'migrateCommand', i], `unknown placeholder \${${ph.name}}; migrateCommand runs once PostgreSQL answers and knows: ${[...known].sort().join(', ')}`);
        }
      }
    });
  }

  if (problems.length > 0) throw new ConfigError(where.shown, problems);
  return {
    warnings,
    file: where.file,
    workspace: where.workspace,
    name: env.name,
    namespace,
    paths: env.paths,
    cluster,
    images,
    postgres,
    redis,
    deploy,
  };
}

function checkCollisions(
  names: string[],
  at: string | string[],
  key: (name: string) => string,
  problem: (path: PropertyKey[], text: string) => void,
  taken: Set<string> = new Set(),
): void {
  const seen = new Map<string, string>();
  for (const name of names) {
    const k = key(name);
    const path = [...(Array.isArray(at) ? at : [at]), name];
    if (taken.has(k)) problem(path, `duplicate name: "${name}" would export ${k}, which is already taken`);
    else if (seen.has(k)) problem(path, `duplicate name: "${name}" and "${seen.get(k)}" both become ${k}`);
    else seen.set(k, name);
  }
}

function listManifests(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((d) => d.isFile() && MANIFEST.test(d.name))
    .map((d) => join(d.parentPath, d.name))
    .sort();
}
