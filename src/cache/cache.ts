/**
 * The cache behind a small interface, so that nothing else knows @actions/cache. A cache fault
 * is a warning, never a failure: a restore that fails is a miss, a save that fails or loses a
 * race to another leg (the key exists already) is a note.
 */
/**
 * The workspace folder that archives pass through on their way to and from the cache. Build
 * contexts skip it when they hash their files (see docker/context-hash.ts).
 */
export const CACHE_DIR = '.ds-e2e-cache';

/** Loaded on first use: it is the largest dependency, and most runs start before they need it. */
const actionsCache = () => import('@actions/cache');

export interface CacheStore {
  /** False for `cache: false` or no cache service: callers skip the work of preparing archives. */
  readonly enabled: boolean;
  /** The key that matched, or undefined on a miss. */
  restore(paths: string[], key: string, restoreKeys?: string[]): Promise<string | undefined>;
  /** True when this call stored the entry; false when it did not (exists already, or a fault). */
  save(paths: string[], key: string): Promise<boolean>;
}

export interface Warn {
  warn(message: string): void;
  info(message: string): void;
}

/**
 * The Actions cache service (v1 or v2, as the runner offers; `act` serves v1). Paths are
 * relative to the workspace, which must be the working folder, as runners and the CLI set it:
 * @actions/cache resolves them from there.
 */
export class ActionsCacheStore implements CacheStore {
  readonly enabled = true;
  static async available(): Promise<boolean> {
    try {
      return (await actionsCache()).isFeatureAvailable();
    } catch {
      return false;
    }
  }

  async restore(paths: string[], key: string, restoreKeys: string[] = []): Promise<string | undefined> {
    return (await actionsCache()).restoreCache(paths, key, restoreKeys);
  }

  /** saveCache answers -1 itself when another leg reserved the key first. */
  async save(paths: string[], key: string): Promise<boolean> {
    return (await (await actionsCache()).saveCache(paths, key)) !== -1;
  }
}

/** Turns every fault of the store below into a warning. */
export class TolerantCache implements CacheStore {
  readonly enabled = true;
  constructor(
    private readonly store: CacheStore,
    private readonly log: Warn,
  ) {}

  async restore(paths: string[], key: string, restoreKeys?: string[]): Promise<string | undefined> {
    try {
      return await this.store.restore(paths, key, restoreKeys);
    } catch (err) {
      this.log.warn(`cache restore of ${key} failed, carrying on without it: ${(err as Error).message}`);
      return undefined;
    }
  }

  async save(paths: string[], key: string): Promise<boolean> {
    try {
      const saved = await this.store.save(paths, key);
      if (!saved) this.log.info(`cache entry ${key} was not saved: another leg or run saved it first, or the service refused (see above)`);
      return saved;
    } catch (err) {
      this.log.warn(`cache save of ${key} failed, carrying on: ${(err as Error).message}`);
      return false;
    }
  }
}

/** `cache: false`, or no cache service: every restore misses, nothing is saved. */
export const NO_CACHE: CacheStore = {
  enabled: false,
  restore: async () => undefined,
  save: async () => false,
};
