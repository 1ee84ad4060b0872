/** Remembers what each cache call found, for the job summary's hits and misses. */
import type { CacheStore } from './cache.js';

export interface CacheEvent {
  key: string;
  /** hit: the exact key; partial: a restore key (an older entry); miss; saved; not saved. */
  result: 'hit' | 'partial' | 'miss' | 'saved' | 'not saved';
  matched?: string;
}

export class RecordingCache implements CacheStore {
  readonly events: CacheEvent[] = [];
  constructor(private readonly store: CacheStore) {}

  get enabled(): boolean {
    return this.store.enabled;
  }

  async restore(paths: string[], key: string, restoreKeys?: string[]): Promise<string | undefined> {
    const matched = await this.store.restore(paths, key, restoreKeys);
    this.events.push({ key, result: matched === undefined ? 'miss' : matched === key ? 'hit' : 'partial', matched });
    return matched;
  }

  async save(paths: string[], key: string): Promise<boolean> {
    const saved = await this.store.save(paths, key);
    this.events.push({ key, result: saved ? 'saved' : 'not saved' });
    return saved;
  }
}
