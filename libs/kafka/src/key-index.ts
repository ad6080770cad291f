import { LogRecord } from '@eventline/core';
import { PartitionReader } from './partition-reader';

/** Where one record of a key sits. */
export interface KeyPosition {
  readonly partition: number;
  readonly offset: number;
  readonly keyVersion: number;
}

/** What one topic holds per key, built by reading its partitions in read_committed order. */
export class TopicIndex {
  /** Per partition: everything below this offset is indexed. */
  readonly nextOffsets: number[] = [];
  /** Write-lease epoch in which this index was last caught up to the end (see WriteLease). */
  caughtUpInEpoch = -1;
  /** Key → its records in version order (some may be gone after compaction). */
  readonly keys = new Map<string, KeyPosition[]>();
  /** Serialises catch-ups and own-write updates of this topic. */
  lock: Promise<unknown> = Promise.resolve();

  version(key: string): number {
    const positions = this.keys.get(key);
    return positions?.length ? positions[positions.length - 1].keyVersion : 0;
  }

  /** Records of one partition at or after its next offset, in offset order; older ones are indexed already. */
  apply(partition: number, records: readonly { offset: number; key: string | null; keyVersion: number | null }[], next: number): void {
    const from = this.nextOffsets[partition] ?? 0;
    for (const r of records) {
      if (r.offset < from || r.key === null) continue;
      const positions = this.keys.get(r.key) ?? [];
      const keyVersion = r.keyVersion ?? (positions.at(-1)?.keyVersion ?? 0) + 1;
      positions.push({ partition, offset: r.offset, keyVersion });
      // Partitions are read one after the other: keep the key's records in version order.
      if (positions.length > 1 && positions[positions.length - 2].keyVersion > keyVersion) positions.sort((a, b) => a.keyVersion - b.keyVersion);
      this.keys.set(r.key, positions);
    }
    this.nextOffsets[partition] = Math.max(from, next);
  }
}

/**
 * Key → version and record positions for every topic this process reads keys of or writes to.
 * Kafka has no lookup by key, so the index is built by reading each partition once from the start
 * and then incrementally from where it stopped (in memory: a process restart rebuilds it). Keys
 * are numbered per topic, like the SQLite engine does, even when written to an explicit partition.
 */
export class KeyIndex {
  private readonly topics = new Map<string, TopicIndex>();

  constructor(private readonly reader: PartitionReader) {}

  get(topic: string): TopicIndex {
    let index = this.topics.get(topic);
    if (!index) this.topics.set(topic, (index = new TopicIndex()));
    return index;
  }

  /** Reads every partition of the topic from the index's position to its last stable offset. */
  async catchUp(topic: string, epoch = -1): Promise<TopicIndex> {
    let index = this.get(topic);
    await this.locked(index, async () => {
      const end = await this.reader.endOffsets(topic);
      if (end.some((e, p) => Number(e) < (index.nextOffsets[p] ?? 0))) {
        // The log went backwards (data lost on the broker): what we indexed is not there; rebuild.
        const fresh = new TopicIndex();
        fresh.lock = index.lock;
        this.topics.set(topic, fresh);
        index = fresh;
      }
      for (const [partition, endOffset] of end.entries()) {
        while ((index.nextOffsets[partition] ?? 0) < Number(endOffset)) {
          const from = index.nextOffsets[partition] ?? 0;
          const chunk = await this.reader.fetchChunk(topic, partition, from, { maxWaitMs: 0, maxBytes: 4 << 20, fromStart: true });
          if (chunk.next <= from) break; // nothing more is readable yet
          index.apply(partition, chunk.records, chunk.next);
        }
      }
      index.caughtUpInEpoch = Math.max(index.caughtUpInEpoch, epoch);
    });
    return index;
  }

  /** The writer's own committed records of one partition, applied without reading them back. */
  async applyOwn(topic: string, partition: number, records: readonly LogRecord[]): Promise<void> {
    const index = this.get(topic);
    await this.locked(index, async () => index.apply(partition, records, records[records.length - 1].offset + 1));
  }

  private locked(index: TopicIndex, work: () => Promise<void>): Promise<void> {
    const run = index.lock.then(work);
    index.lock = run.catch(() => undefined);
    return run;
  }
}
