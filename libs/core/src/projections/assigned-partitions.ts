import { OffsetOutOfRangeError } from '../errors';
import { GroupAssignment, OffsetCommit } from '../log/consumer-group';
import { EventLog } from '../log/event-log';
import { LogRecord, ReadOptions, TopicPartition } from '../log/record';
import { PartitionRecords } from './projection-batch';
import { ProjectionHistoryGapError } from './projection-errors';
import { partitionId } from './projection-status';
import { ReadModelStore } from './read-model-store';

/**
 * The partitions a runner holds and the next offset to read in each, taken from the store's
 * checkpoints when a partition is adopted; fetches batches and long-polls for news.
 */
export class AssignedPartitions {
  private assignment: GroupAssignment | undefined;
  /** Next offset to read per assigned partition. */
  private readonly positions = new Map<string, number>();
  /**
   * Partitions without a checkpoint yet: read from the log start offset, wherever retention put it
   * (Kafka's auto.offset.reset=earliest). Once a checkpoint exists, records below the log start are
   * a gap in the read model, and reading there fails (ProjectionHistoryGapError).
   */
  private readonly fromEarliest = new Set<string>();
  private rotation = 0;
  /** A fetch moved a position past offsets without records: the group offsets are behind. */
  private skipped = false;

  constructor(
    private readonly log: EventLog,
    private readonly store: ReadModelStore<unknown>,
    private readonly projection: string,
  ) {}

  get partitions(): readonly TopicPartition[] {
    return this.assignment?.partitions ?? [];
  }

  position(tp: TopicPartition): number | undefined {
    return this.positions.get(partitionId(tp));
  }

  /**
   * Takes an assignment: keeps the positions of kept partitions, reads checkpoints for new ones
   * (all of them with `reload`). Resolves true when partitions were adopted.
   */
  async adopt(assignment: GroupAssignment, reload = false): Promise<boolean> {
    if (reload) {
      this.positions.clear();
      this.fromEarliest.clear();
    }
    const ids = new Set(assignment.partitions.map(partitionId));
    for (const id of [...this.positions.keys()]) {
      if (!ids.has(id)) {
        this.positions.delete(id);
        this.fromEarliest.delete(id);
      }
    }
    const fresh = assignment.partitions.filter((tp) => !this.positions.has(partitionId(tp)));
    this.assignment = assignment;
    if (fresh.length === 0) return false;
    const stored = new Map((await this.store.checkpoints(this.projection)).map((c) => [partitionId(c), c]));
    for (const tp of fresh) {
      const id = partitionId(tp);
      const checkpoint = stored.get(id);
      this.positions.set(id, checkpoint?.nextOffset ?? 0);
      if (!checkpoint) this.fromEarliest.add(id);
    }
    return true;
  }

  /** Re-reads every position from the store (after a rebuild's switch-over). */
  async reload(): Promise<void> {
    if (this.assignment) await this.adopt(this.assignment, true);
  }

  /** Moves positions forward to what a batch committed. */
  advance(next: ReadonlyMap<string, number>): void {
    for (const [id, offset] of next) {
      if (this.positions.has(id)) {
        this.positions.set(id, offset);
        this.fromEarliest.delete(id);
      }
    }
  }

  clear(): void {
    this.assignment = undefined;
    this.positions.clear();
    this.fromEarliest.clear();
  }

  /**
   * Up to `batchSize` records over the assigned partitions, starting at a rotating one for fairness.
   * The topics' end offsets are asked first (one request per topic) and only partitions with news
   * are read: most batches of a busy runner touch one or two of its partitions.
   */
  async fetch(batchSize: number): Promise<PartitionRecords[]> {
    const partitions = this.partitions;
    const ends = await this.endOffsets();
    let room = batchSize;
    const batch: PartitionRecords[] = [];
    this.rotation = (this.rotation + 1) % Math.max(1, partitions.length);
    for (let i = 0; i < partitions.length && room > 0; i += 1) {
      const tp = partitions[(this.rotation + i) % partitions.length];
      const offset = this.position(tp);
      const end = ends.get(partitionId(tp)) ?? Infinity;
      if (offset === undefined || end <= offset) continue;
      const records = await this.read(tp, offset, { maxRecords: room });
      if (records.length === 0) {
        // Below the end offset, yet nothing to read: offsets that hold no record (Kafka's commit
        // markers and aborted transactions, a compacted-away tail). Move past them, as Kafka's own
        // consumers do, or the partition shows lag for ever and its long polls return at once.
        if (Number.isFinite(end)) {
          this.positions.set(partitionId(tp), end);
          this.skipped = true;
        }
        continue;
      }
      batch.push({ topic: tp.topic, partition: tp.partition, records });
      room -= records.length;
    }
    return batch;
  }

  /** End offset per assigned partition id (a partition's next offset to be written). */
  private async endOffsets(): Promise<Map<string, number>> {
    const ends = new Map<string, number>();
    for (const topic of new Set(this.partitions.map((tp) => tp.topic))) {
      for (const o of await this.log.offsets(topic)) ends.set(partitionId(o), o.endOffset);
    }
    return ends;
  }

  /** Long-polls every assigned partition until one has news or `cutShort` resolves. */
  async idle(maxWaitMs: number, cutShort: Promise<void>): Promise<void> {
    const polls: Promise<unknown>[] = this.partitions.map((tp) =>
      this.read(tp, this.position(tp) ?? 0, { maxRecords: 1, maxWaitMs }).catch(() => undefined),
    );
    await Promise.race([...polls, cutShort]);
  }

  /** Reads one partition; a read below the log start fails as a gap unless the partition has no checkpoint yet. */
  private async read(tp: TopicPartition, offset: number, options: ReadOptions): Promise<LogRecord[]> {
    const earliest = this.fromEarliest.has(partitionId(tp));
    try {
      return await this.log.read(tp.topic, tp.partition, offset, {
        ...options,
        ...(earliest ? { autoOffsetReset: 'earliest' as const } : {}),
      });
    } catch (error) {
      if (!(error instanceof OffsetOutOfRangeError)) throw error;
      const beginOffset = Number(error.details?.beginOffset);
      throw new ProjectionHistoryGapError(this.projection, tp.topic, tp.partition, offset, beginOffset);
    }
  }

  /** Whether a fetch moved a position without a batch since the last call (the group offsets need a commit). */
  takeSkipped(): boolean {
    const skipped = this.skipped;
    this.skipped = false;
    return skipped;
  }

  /** The positions as group offsets (informational: tools show lag from them). */
  offsets(): OffsetCommit[] {
    return this.partitions
      .filter((tp) => this.positions.has(partitionId(tp)))
      .map((tp) => ({ ...tp, offset: this.position(tp) ?? 0 }));
  }
}
