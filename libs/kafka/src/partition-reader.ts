import { Consumer, FetchIsolationLevels, fetchV17, ListOffsetTimestamps } from '@platformatic/kafka';
import { OffsetOutOfRangeError } from '@eventline/core';
import { hasKafkaError, toEventlineError } from './kafka-errors';
import { decodeRecord, KafkaLogRecord, RawRecord } from './record-codec';

const IS_TRANSACTIONAL = 0x10;
const IS_CONTROL = 0x20;

export interface Chunk {
  readonly records: KafkaLogRecord[];
  readonly next: number;
}

interface Batch {
  firstOffset: bigint;
  lastOffsetDelta: number;
  attributes: number;
  firstTimestamp: bigint;
  producerId: bigint;
  records: { offsetDelta: number; timestampDelta: bigint; key: Buffer | null; value: Buffer | null; headers: [Buffer | null, Buffer | null][] }[];
}

export interface FetchLimits {
  readonly maxWaitMs: number;
  readonly maxBytes: number;
  /** Below the log start offset: read from it instead of failing (autoOffsetReset 'earliest'). */
  readonly fromStart?: boolean;
}

/**
 * Reads one partition in read_committed mode with Kafka's Fetch API: only committed records, up
 * to the last stable offset. The broker hands back whole batches, aborted ones included, with the
 * list of aborted transactions; this drops them and the control (commit/abort marker) batches.
 */
export class PartitionReader {
  constructor(private readonly consumer: Consumer) {}

  /** Committed records from `offset` on (possibly fewer than asked, never past the last stable offset). */
  async fetch(topic: string, partition: number, offset: number, limits: FetchLimits, consumer = this.consumer): Promise<KafkaLogRecord[]> {
    return (await this.fetchChunk(topic, partition, offset, limits, consumer)).records;
  }

  /**
   * Like fetch, plus `next`: the offset after the last batch the broker returned, even if all of
   * it was dropped (aborted data, commit markers) — where the following fetch must start.
   */
  async fetchChunk(topic: string, partition: number, offset: number, limits: FetchLimits, consumer = this.consumer): Promise<Chunk> {
    const metadata = await consumer.metadata({ topics: [topic] });
    const info = metadata.topics.get(topic)!;
    let response;
    try {
      // The low-level Fetch, not Consumer.fetch: the client's own read_committed filter keeps one
      // aborted range per producer id, and every writer of the write lease shares one producer id
      // (only the epoch changes), so it dropped committed records between aborted transactions.
      const connection = await consumer.connections.get(metadata.brokers.get(info.partitions[partition].leader)!);
      response = await fetchV17.api.async(
        connection,
        limits.maxWaitMs,
        1,
        limits.maxBytes,
        FetchIsolationLevels.READ_COMMITTED,
        0,
        -1, // no fetch session: a one-off full fetch
        [
          {
            topicId: info.id,
            partitions: [
              { partition, fetchOffset: BigInt(offset), partitionMaxBytes: limits.maxBytes, currentLeaderEpoch: -1, lastFetchedEpoch: -1 },
            ],
          },
        ],
        [],
        '',
      );
    } catch (error) {
      if (hasKafkaError(error, 'OFFSET_OUT_OF_RANGE')) return this.outOfRange(topic, partition, offset, limits, consumer);
      throw toEventlineError(error, `read ${topic}/${partition}`);
    }
    const answer = response.responses[0]?.partitions[0];
    if (!answer) return { records: [], next: offset };
    const batches = (answer.records ?? []) as unknown as Batch[];
    const last = batches[batches.length - 1];
    const next = last ? Math.max(offset, Number(last.firstOffset) + last.lastOffsetDelta + 1) : offset;
    const records = committed(batches, answer.abortedTransactions)
      .filter((r) => r.offset >= offset)
      .map((r) => decodeRecord(topic, partition, r));
    return { records, next };
  }

  /** Log start (earliest) and last stable offset (read_committed end) of every partition. */
  async offsets(topic: string): Promise<{ begin: bigint[]; end: bigint[] }> {
    try {
      const [begin, end] = await Promise.all([
        this.consumer.listOffsets({ topics: [topic], timestamp: ListOffsetTimestamps.EARLIEST }),
        this.consumer.listOffsets({ topics: [topic], timestamp: ListOffsetTimestamps.LATEST, isolationLevel: FetchIsolationLevels.READ_COMMITTED }),
      ]);
      return { begin: begin.get(topic)!, end: end.get(topic)! };
    } catch (error) {
      throw toEventlineError(error, `list offsets of "${topic}"`);
    }
  }

  /** Last stable offset of every partition (one ListOffsets request). */
  async endOffsets(topic: string): Promise<bigint[]> {
    try {
      const end = await this.consumer.listOffsets({ topics: [topic], timestamp: ListOffsetTimestamps.LATEST, isolationLevel: FetchIsolationLevels.READ_COMMITTED });
      return end.get(topic)!;
    } catch (error) {
      throw toEventlineError(error, `list offsets of "${topic}"`);
    }
  }

  /**
   * The broker refused the offset. Below the log start (retention removed it): OffsetOutOfRange,
   * or read from the start when `fromStart`. Past the end: nothing.
   */
  private async outOfRange(topic: string, partition: number, offset: number, limits: FetchLimits, consumer: Consumer): Promise<Chunk> {
    const { begin } = await this.offsets(topic);
    const start = Number(begin[partition]);
    if (offset >= start) return { records: [], next: offset };
    if (!limits.fromStart) throw new OffsetOutOfRangeError(topic, partition, offset, start);
    return this.fetchChunk(topic, partition, start, limits, consumer);
  }
}

/** Records of committed transactions (and non-transactional ones), in offset order. */
function committed(batches: Batch[] | undefined, aborted: { producerId: bigint; firstOffset: bigint }[]): RawRecord[] {
  const pending = [...aborted].sort((a, b) => Number(a.firstOffset - b.firstOffset));
  const abortedNow = new Set<bigint>();
  const out: RawRecord[] = [];
  for (const batch of batches ?? []) {
    while (pending.length > 0 && pending[0].firstOffset <= batch.firstOffset) abortedNow.add(pending.shift()!.producerId);
    if (batch.attributes & IS_CONTROL) {
      // A marker ends the producer's transaction, whether it committed or aborted.
      abortedNow.delete(batch.producerId);
      continue;
    }
    if (batch.attributes & IS_TRANSACTIONAL && abortedNow.has(batch.producerId)) continue;
    for (const r of batch.records) {
      out.push({
        offset: Number(batch.firstOffset) + r.offsetDelta,
        timestamp: Number(batch.firstTimestamp + r.timestampDelta),
        key: r.key,
        value: r.value,
        headers: r.headers,
      });
    }
  }
  return out;
}
