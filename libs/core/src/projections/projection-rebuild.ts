import { EventLog } from '../log/event-log';
import { OffsetOutOfRangeError } from '../errors';
import { LogRecord, TopicPartition } from '../log/record';
import { ProjectionHistoryGapError } from './projection-errors';
import { EventSerializer } from '../serialization/event-serializer';
import { CommandDispatcher } from './command-dispatcher';
import {
  applyBatchInTransaction,
  applyProjectionBatch,
  BatchHandlers,
  PartitionRecords,
} from './projection-batch';
import { ProjectionDefinition, projectionDefinitionOf } from './projection-definition';
import { partitionId } from './projection-status';
import { RebuildableStore, ShadowReadModel } from './shadow-read-model';

/** How far a rebuild is; `etaMs` is null until a rate is known. */
export interface RebuildProgress {
  readonly phase: 'replaying' | 'switching' | 'done' | 'failed';
  readonly startedAt: number;
  /** Records replayed into the shadow so far (skipped types included). */
  readonly processed: number;
  /** Records in the log when the rebuild started (it may grow while it runs). */
  readonly total: number;
  readonly eventsPerSecond: number;
  readonly etaMs: number | null;
}

export interface ProjectionRebuildOptions<M = unknown> {
  readonly projection: object;
  readonly log: EventLog;
  readonly store: RebuildableStore<M>;
  readonly serializer: EventSerializer;
  readonly dispatcher?: CommandDispatcher;
  /** Records per shadow transaction (default 2000: a replay has nothing to wait for). */
  readonly batchSize?: number;
  readonly clock?: () => number;
}

const KEEP_ALIVE_MS = 5_000;

/**
 * Replays a projection's topics from their start into shadow tables while the live read model keeps
 * serving, then switches over atomically: the last records are applied inside the switch-over
 * transaction, which holds the live batches' locks, so the live runner resumes exactly where the
 * shadow stopped. One process rebuilds at a time (the store's claim).
 *
 * @example
 * const rebuild = new ProjectionRebuild({ projection, log, store, serializer });
 * const done = rebuild.run(); // rebuild.progress() meanwhile
 * await done;
 */
export class ProjectionRebuild<M = unknown> {
  readonly definition: ProjectionDefinition;
  private readonly clock: () => number;
  private readonly handlers: BatchHandlers;
  private readonly positions = new Map<string, number>();
  /** Partitions not read yet: they start at the log start offset, even if retention moved it since. */
  private readonly unread = new Set<string>();
  private state: RebuildProgress;
  private stopped = false;

  constructor(private readonly options: ProjectionRebuildOptions<M>) {
    this.definition = projectionDefinitionOf(options.projection);
    this.clock = options.clock ?? Date.now;
    this.handlers = {
      projection: options.projection,
      definition: this.definition,
      serializer: options.serializer,
      dispatcher: options.dispatcher,
    };
    this.state = {
      phase: 'replaying',
      startedAt: this.clock(),
      processed: 0,
      total: 0,
      eventsPerSecond: 0,
      etaMs: null,
    };
  }

  progress(): RebuildProgress {
    return this.state;
  }

  /** Asks a running rebuild to give up after its current batch; its shadow tables are dropped. */
  stop(): void {
    this.stopped = true;
  }

  async run(): Promise<void> {
    let shadow: ShadowReadModel<M>;
    try {
      shadow = await this.options.store.openShadow(this.definition);
    } catch (error) {
      this.state = { ...this.state, phase: 'failed' };
      throw error;
    }
    try {
      const partitions = await this.partitions();
      await this.replay(shadow, partitions);
      this.state = { ...this.state, phase: 'switching' };
      await shadow.switchOver(partitions, async (tx) => {
        for (
          let batch = await this.fetch(partitions);
          batch.length > 0;
          batch = await this.fetch(partitions)
        ) {
          this.advance(batch, await applyBatchInTransaction(tx, this.handlers, batch));
        }
      });
      this.state = { ...this.state, phase: 'done', etaMs: 0 };
    } catch (error) {
      this.state = { ...this.state, phase: 'failed' };
      await shadow.discard().catch(() => undefined);
      throw error;
    }
  }

  /** Replays until a fetch returns less than a full batch: the rest is left for the switch-over. */
  private async replay(shadow: ShadowReadModel<M>, partitions: readonly TopicPartition[]): Promise<void> {
    const batchSize = this.options.batchSize ?? 2_000;
    let lastKeepAlive = this.clock();
    for (;;) {
      if (this.stopped) throw new Error(`Rebuild of "${this.definition.name}" stopped.`);
      const batch = await this.fetch(partitions);
      const count = batch.reduce((n, p) => n + p.records.length, 0);
      // A short read may only be a byte limit: switch over when the log end is really near.
      if (count === 0 || (count < batchSize && (await this.lag()) <= batchSize)) return;
      const next = await applyProjectionBatch(
        this.options.projection,
        this.definition,
        this.options.serializer,
        shadow,
        batch,
        this.options.dispatcher,
      );
      this.advance(batch, next);
      if (this.clock() - lastKeepAlive > KEEP_ALIVE_MS) {
        await shadow.keepAlive();
        lastKeepAlive = this.clock();
      }
      await new Promise((resolve) => setImmediate(resolve)); // let the live side breathe
    }
  }

  /** Every partition of every topic, positioned at its log start; `total` = records in the log now. */
  private async partitions(): Promise<TopicPartition[]> {
    const partitions: TopicPartition[] = [];
    let total = 0;
    for (const topic of this.definition.topics) {
      for (const o of await this.options.log.offsets(topic)) {
        partitions.push({ topic, partition: o.partition });
        this.positions.set(partitionId(o), o.beginOffset);
        this.unread.add(partitionId(o));
        total += o.endOffset - o.beginOffset;
      }
    }
    this.state = { ...this.state, total };
    return partitions;
  }

  private async lag(): Promise<number> {
    let lag = 0;
    for (const topic of this.definition.topics) {
      for (const o of await this.options.log.offsets(topic)) {
        lag += Math.max(0, o.endOffset - (this.positions.get(partitionId(o)) ?? o.beginOffset));
      }
    }
    return lag;
  }

  /** Up to batchSize records, taken partition by partition (a replay needs no fairness). */
  private async fetch(partitions: readonly TopicPartition[]): Promise<PartitionRecords[]> {
    let room = this.options.batchSize ?? 2_000;
    const batch: PartitionRecords[] = [];
    for (const tp of partitions) {
      if (room <= 0) break;
      const id = partitionId(tp);
      const offset = this.positions.get(id) ?? 0;
      const records = await this.read(tp, offset, room, this.unread.has(id));
      if (records.length === 0) continue;
      batch.push({ ...tp, records });
      room -= records.length;
    }
    return batch;
  }

  /** Once a partition has been read from, records deleted ahead of the rebuild are a gap: it fails. */
  private async read(
    tp: TopicPartition,
    offset: number,
    maxRecords: number,
    earliest: boolean,
  ): Promise<LogRecord[]> {
    try {
      return await this.options.log.read(tp.topic, tp.partition, offset, {
        maxRecords,
        ...(earliest ? { autoOffsetReset: 'earliest' as const } : {}),
      });
    } catch (error) {
      if (!(error instanceof OffsetOutOfRangeError)) throw error;
      const beginOffset = Number(error.details?.beginOffset);
      throw new ProjectionHistoryGapError(this.definition.name, tp.topic, tp.partition, offset, beginOffset);
    }
  }

  private advance(batch: readonly PartitionRecords[], next: ReadonlyMap<string, number>): void {
    for (const [id, offset] of next) {
      this.positions.set(id, offset);
      this.unread.delete(id);
    }
    const processed = this.state.processed + batch.reduce((n, p) => n + p.records.length, 0);
    const elapsed = Math.max(1, this.clock() - this.state.startedAt);
    const eventsPerSecond = Math.round((processed * 1000) / elapsed);
    const left = Math.max(0, this.state.total - processed);
    this.state = {
      ...this.state,
      processed,
      eventsPerSecond,
      etaMs: eventsPerSecond > 0 ? Math.round((left * 1000) / eventsPerSecond) : null,
    };
  }
}
