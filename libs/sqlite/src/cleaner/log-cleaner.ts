import type Database from 'better-sqlite3';
import { TopicCatalog } from '../topic-catalog';

export interface CleanerStats {
  readonly topics: number;
  readonly recordsRemoved: number;
}

// PLACEHOLDER — being implemented (compaction + retention).
export class LogCleaner {
  constructor(
    private readonly db: Database.Database,
    private readonly catalog: TopicCatalog,
    private readonly clock: () => number,
  ) {}
  clean(_topic?: string): CleanerStats {
    throw new Error('not implemented');
  }
  start(_intervalMs: number): void {}
  stop(): void {}
}
