/** One aggregate's state as `snapshot()` JSON at a version: immutable, so every load gets its own copy. */
export interface CachedState {
  readonly version: number;
  readonly state: string;
}

/**
 * The latest state of recently used aggregates in this process, least recently used out first.
 * Only a hint: a load still asks the log for the id's current version and replays whatever the
 * cache is behind by (another process may have appended), so it can never serve stale state.
 * It saves the replay of the events after the latest snapshot on every load of a hot aggregate.
 */
export class AggregateCache {
  private readonly entries = new Map<string, CachedState>();

  constructor(readonly capacity: number) {}

  get(key: string): CachedState | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: CachedState): void {
    if (this.capacity <= 0) return;
    const current = this.entries.get(key);
    if (current && current.version > entry.version) return; // a later save already landed
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
