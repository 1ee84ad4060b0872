/**
 * What `deploy.kustomize` and `deploy.helm` point at, checked when the file loads, before
 * anything starts: a kustomization folder holds a kustomization file; a chart is a folder with
 * Chart.yaml or a packaged .tgz, and its dependencies are already vendored in charts/ (fetching
 * them needs a chart repository at run time, which is out of scope for now).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { readYamlMapping } from './yaml-file.js';

/** The names kustomize accepts for its file (kustomize api/konfig: RecognizedKustomizationFileNames). */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

export function kustomizationFile(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
}

/** A kustomization or Chart.yaml that is not the YAML mapping it must be: the file, and what is wrong with it. */
export class DeploySourceError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file} ${problem}`);
  }
}

function readMapping(file: string): Record<string, unknown> {
  try {
    return readYamlMapping(file) ?? {};
  } catch (err) {
    throw new DeploySourceError(file, (err as Error).message);
  }
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * The local files a kustomization reads, its bases' too (resources, bases, components,
 * patches given by path), for the placeholder and `replaces` checks. Remote resources (URLs)
 * are not followed.
 */
export function kustomizeFiles(dir: string, seen = new Set<string>()): string[] {
  const file = kustomizationFile(dir);
  if (!file || seen.has(dir)) return [];
  seen.add(dir);
  const k = readMapping(file);
  const out = [file];
  const paths: string[] = [];
  for (const key of ['resources', 'bases', 'components', 'patchesStrategicMerge']) {
    for (const p of list(k[key])) if (typeof p === 'string') paths.push(p);
  }
  for (const p of list(k.patches)) if (typeof (p as { path?: unknown } | null)?.path === 'string') paths.push((p as { path: string }).path);
  for (const p of paths) {
    if (/^[a-z]+:\/\//.test(p) || p.includes('?ref=') || isAbsolute(p)) continue;
    const full = resolve(dir, p);
    if (!existsSync(full)) continue; // kustomize reports it, with its own words
    if (statSync(full).isDirectory()) out.push(...kustomizeFiles(full, seen));
    else out.push(full);
  }
  return out;
}

/** What is wrong with a chart that exists, or undefined. */
export function chartProblem(chart: string, shown: string): string | undefined {
  if (statSync(chart).isFile()) return chart.endsWith('.tgz') ? undefined : `chart "${shown}" is a file but not a packaged chart (.tgz)`;
  const meta = join(chart, 'Chart.yaml');
  if (!existsSync(meta)) return `chart folder "${shown}" holds no Chart.yaml`;
  let deps: { name?: string; repository?: string }[];
  try {
    deps = list(readMapping(meta).dependencies) as { name?: string; repository?: string }[];
  } catch (err) {
    if (!(err instanceof DeploySourceError)) throw err;
    return `${join(shown, 'Chart.yaml')} ${err.problem}`;
  }
  const vendored = existsSync(join(chart, 'charts')) ? readdirSync(join(chart, 'charts')) : [];
  // helm pkg/action/install.go CheckDependencies: each must be in charts/, as a folder or <name>-<version>.tgz
  const missing = deps.filter((d) => d.name && !vendored.some((f) => f === d.name || (f.startsWith(`${d.name}-`) && f.endsWith('.tgz'))));
  if (missing.length > 0) {
    const names = missing.map((d) => `${d.name}${d.repository ? ` (from ${d.repository})` : ''}`).join(', ');
    return `chart "${shown}" depends on ${names}, which charts/ does not hold; fetching them needs a chart repository at run time, which this action does not do: run \`helm dependency build ${shown}\` and commit charts/, or give a packaged .tgz`;
  }
  return undefined;
}

/**
 * Whether a kustomization (or one it includes) inflates Helm charts (`helmCharts`, or the older
 * `helmChartInflationGenerator`): kustomize then runs helm, and only with `--enable-helm`.
 */
export function kustomizeUsesHelm(dir: string): boolean {
  return kustomizeFiles(dir)
    .filter((f) => (KUSTOMIZATION_FILES as readonly string[]).includes(basename(f)))
    .some((f) => {
      const k = readMapping(f);
      return k.helmCharts !== undefined || k.helmChartInflationGenerator !== undefined;
    });
}
