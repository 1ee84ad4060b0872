/**
 * Which layer cache a build gets, decided from what the host offers, best first:
 *  1. gha    - buildx with a driver that exports caches, on GitHub's cache service (GitHub-hosted);
 *  2. local  - the same driver, a local cache folder carried through @actions/cache (act, GHES);
 *  3. inline - plain docker: the image itself carries its cache (BuildKit inline cache, or the
 *              classic builder's --cache-from), saved and restored with docker save/load.
 * The choice is a pure function of the facts, so it is logged with its reason and tested.
 */
import type { Docker } from './docker.js';

export interface BuildFacts {
  engine: 'docker' | 'podman';
  /** `docker buildx version` answered. */
  buildx: boolean;
  /** The current builder's driver, from `docker buildx inspect`. */
  driver?: string;
  /** A GitHub-hosted runner (not act, not self-hosted). */
  githubHosted: boolean;
  /** The Actions cache service can be reached (cache: true and its variables are set). */
  cacheService: boolean;
}

export type CacheStrategy =
  | { kind: 'gha'; why: string }
  | { kind: 'local'; why: string }
  | { kind: 'inline'; builder: 'buildkit' | 'classic'; why: string };

/** The docker driver cannot export caches; these can. */
const EXPORTING_DRIVERS = new Set(['docker-container', 'kubernetes', 'remote']);

export function chooseStrategy(f: BuildFacts): CacheStrategy {
  if (f.engine === 'podman') return { kind: 'inline', builder: 'classic', why: 'podman builds keep their layers in the image, carried by save/load' };
  const exporting = f.buildx && f.driver !== undefined && EXPORTING_DRIVERS.has(f.driver);
  if (exporting && f.cacheService && f.githubHosted) return { kind: 'gha', why: `buildx driver ${f.driver} on a GitHub-hosted runner` };
  if (exporting && f.cacheService) return { kind: 'local', why: `buildx driver ${f.driver}, cache folder carried through the Actions cache` };
  const why = !f.buildx
    ? 'buildx is not installed'
    : !exporting
      ? `the buildx driver "${f.driver ?? 'unknown'}" cannot export caches`
      : 'no Actions cache service to store an exported cache';
  return { kind: 'inline', builder: f.buildx ? 'buildkit' : 'classic', why };
}

export async function detectBuildFacts(docker: Docker, env: NodeJS.ProcessEnv, cacheService: boolean): Promise<BuildFacts> {
  const facts: BuildFacts = {
    engine: docker.engine,
    buildx: false,
    githubHosted: env.RUNNER_ENVIRONMENT === 'github-hosted' && !env.ACT,
    cacheService,
  };
  if (docker.engine !== 'docker') return facts;
  facts.buildx = (await docker.tryRun(['buildx', 'version'])).code === 0;
  if (facts.buildx) {
    const inspect = await docker.tryRun(['buildx', 'inspect']);
    facts.driver = /^Driver:\s*(\S+)/m.exec(inspect.stdout)?.[1];
  }
  return facts;
}
