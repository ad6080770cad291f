import type Database from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { ValidationError } from '@eventline/core';
import { StoredTopic, TopicCatalog } from '../topic-catalog';
import { CleanerStatements, prepareCleanerStatements } from './cleaner-statements';
import { CleanupPlan, planCleanup } from './cleanup-plan';
import { CompactionPass, compactChunk } from './compact-chunk';
import { retentionChunk } from './retention-chunk';
import { CleanerStats, StatsTally } from './cleaner-stats';

export type { CleanerStats } from './cleaner-stats';

export interface CleanerOptions {
  /** Records examined per write transaction: bounds how long a clean holds the write lock. */
  readonly chunkSize: number;
  /** Where background failures go; the process never crashes for them. */
  readonly onError: (error: unknown) => void;
}

const DEFAULTS: CleanerOptions = {
  chunkSize: 1000,
  onError: (error) =>
    process.emitWarning(`Eventline log cleaner failed: ${(error as Error)?.message ?? String(error)}`, {
      code: 'EVENTLINE_CLEANER',
    }),
};

/**
 * Kafka's log cleaner for the SQLite engine: retention cuts expired records from each partition's
 * start and advances its log start offset; compaction removes superseded records and expired
 * tombstones before the min.compaction.lag.ms head, leaving offsets and order untouched and the log
 * start offset where it is (as Kafka does). Work is split into short write transactions with a
 * pause after each, so writers of this and other processes get the lock in between.
 */
export class LogCleaner {
  private options: CleanerOptions;
  private readonly statements: CleanerStatements;
  private timer: NodeJS.Timeout | undefined;
  /** Bumped by stop(): cleans started before it give up at their next chunk. */
  private epoch = 0;
  private background: { readonly intervalMs: number; readonly epoch: number } | undefined;
  private lastStats: CleanerStats | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly catalog: TopicCatalog,
    private readonly clock: () => number,
    options: Partial<CleanerOptions> = {},
  ) {
    this.options = { ...DEFAULTS };
    this.configure(options);
    this.statements = prepareCleanerStatements(db);
  }

  configure(options: Partial<CleanerOptions>): void {
    const next = { ...this.options, ...options };
    if (!Number.isSafeInteger(next.chunkSize) || next.chunkSize < 1) {
      throw new ValidationError(`chunkSize must be a whole number ≥ 1, got ${next.chunkSize}.`, {
        chunkSize: next.chunkSize,
      });
    }
    this.options = next;
  }

  /** Stats of the last background clean, if one finished. */
  get lastBackgroundStats(): CleanerStats | undefined {
    return this.lastStats;
  }

  /** Cleans every topic, or only `topic` (UnknownTopicError if it does not exist). */
  async clean(topic?: string): Promise<CleanerStats> {
    const topics = topic === undefined ? this.catalog.list() : [this.catalog.get(topic)];
    const epoch = this.epoch;
    const started = performance.now();
    const now = this.clock();
    const tally = new StatsTally();
    let completed = true;
    for (const t of topics) {
      const plan = planCleanup(t.config, now);
      if (!plan) continue;
      tally.topics++;
      for (let p = 0; p < t.partitions && completed; p++) {
        tally.partitions++;
        const before = tally.total();
        completed = await this.cleanPartition(t, p, plan, tally, epoch);
        if (tally.total() > before) tally.partitionsChanged++;
      }
      if (!completed) break;
    }
    return tally.finish(performance.now() - started, !completed);
  }

  /** Cleans every `intervalMs` in the background (an unref'd timer) until stop(); restarts if running. */
  start(intervalMs: number): void {
    if (!Number.isSafeInteger(intervalMs) || intervalMs < 1) {
      throw new ValidationError(`The cleaner interval must be a whole number of ms ≥ 1, got ${intervalMs}.`, {
        intervalMs,
      });
    }
    this.stop();
    this.background = { intervalMs, epoch: this.epoch };
    this.schedule();
  }

  /** Stops the background cleaner and interrupts any clean in progress at its next chunk; waits for nothing. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.background = undefined;
    this.epoch++;
  }

  private schedule(): void {
    const background = this.background;
    if (!background) return;
    // One clean at a time: the next is scheduled only when this one is over, so slow cleans never pile up.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.clean()
        .then(
          (stats) => (this.lastStats = stats),
          (error) => this.report(error),
        )
        .finally(() => {
          if (this.background === background) this.schedule();
        });
    }, background.intervalMs);
    this.timer.unref();
  }

  private report(error: unknown): void {
    try {
      this.options.onError(error);
    } catch {
      // A failing error handler must not turn into an unhandled rejection either.
    }
  }

  private async cleanPartition(
    topic: StoredTopic,
    partition: number,
    plan: CleanupPlan,
    tally: StatsTally,
    epoch: number,
  ): Promise<boolean> {
    const s = this.statements;
    const limit = this.options.chunkSize;
    const { expireBefore, compaction } = plan;
    if (expireBefore !== undefined) {
      const finished = await this.inChunks(epoch, () => {
        const step = retentionChunk(s, topic.id, partition, limit, expireBefore);
        tally.retention += step.removed;
        return step.done;
      });
      if (!finished) return false;
    }
    if (compaction) {
      let after = -1;
      let pass: CompactionPass | undefined;
      return this.inChunks(epoch, () => {
        pass ??= {
          topicId: topic.id,
          partition,
          end: (s.endOffset.get(topic.id, partition) as { end_offset: number }).end_offset,
          keyIndex: topic.keyIndex,
          rule: compaction,
        };
        const step = compactChunk(s, pass, after, limit);
        tally.superseded += step.superseded;
        tally.tombstones += step.tombstones;
        after = step.after;
        return step.done;
      });
    }
    return true;
  }

  /**
   * Runs `step` in its own IMMEDIATE transaction until it reports done, then pauses for about as
   * long as the lock was held: other processes' busy handlers retry on their own schedule, so a
   * cleaner that re-took the lock at once could starve them. False when interrupted by stop().
   */
  private async inChunks(epoch: number, step: () => boolean): Promise<boolean> {
    const transaction = this.db.transaction(step);
    for (;;) {
      if (epoch !== this.epoch || !this.db.open) return false;
      const started = performance.now();
      const done = transaction.immediate();
      await pause(performance.now() - started);
      if (done) return true;
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => (ms >= 1 ? setTimeout(resolve, Math.ceil(ms)) : setImmediate(resolve)));
}
