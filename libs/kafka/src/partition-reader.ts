import { Consumer, FetchIsolationLevels, ListOffsetTimestamps } from '@platformatic/kafka';
import { OffsetOutOfRangeError, UnavailableError } from '@eventline/core';
import { hasKafkaError, toEventlineError } from './kafka-errors';
import { rawFetch, RawFetchResponse } from './raw-fetch';
import { DecodedChunk, decodeCommitted } from './record-batch-decoder';
import { KafkaLogRecord } from './record-codec';

export interface Chunk extends DecodedChunk {
  /** The partition's last stable offset as the broker answered (read_committed end). */
  readonly lastStable: number;
}

/** A fetch sized from `maxRecords` asks for at least this much: one round trip still brings a few batches. */
const MIN_SIZED_FETCH = 64 << 10;

/**
 * Answers that resolve themselves within moments: the partition's leadership is not (yet) where
 * the metadata says — a topic created a moment ago (its leader is named before it serves), a
 * leader moving or a broker restarting. Retried on fresh metadata for about a second.
 */
const LEADERSHIP_MOVING = ['NOT_LEADER_OR_FOLLOWER', 'LEADER_NOT_AVAILABLE', 'UNKNOWN_LEADER_EPOCH', 'FENCED_LEADER_EPOCH'];
const LEADERSHIP_RETRIES = 20;
const LEADERSHIP_RETRY_MS = 50;

export interface FetchLimits {
  readonly maxWaitMs: number;
  readonly maxBytes: number;
  /** Decode no more than this many records (the rest of the answer is fetched again by the next read). */
  readonly maxRecords?: number;
  /** Below the log start offset: read from it instead of failing (autoOffsetReset 'earliest'). */
  readonly fromStart?: boolean;
  /** Attach `txnId` to the records (the write lease's check whether an ambiguous commit happened). */
  readonly withTxnIds?: boolean;
}

/**
 * Reads one partition in read_committed mode with Kafka's Fetch API: only committed records, up
 * to the last stable offset. The broker hands back whole batches, aborted ones included, with the
 * list of aborted transactions; this drops them and the control (commit/abort marker) batches.
 */
export class PartitionReader {
  /** Wire bytes per offset last seen on each topic: sizes a fetch to about `maxRecords` records. */
  private readonly bytesPerOffset = new Map<string, number>();

  constructor(private readonly consumer: Consumer) {}

  /**
   * Committed records from `offset` on (possibly fewer than asked, never past the last stable
   * offset). Empty only when nothing committed follows `offset` yet: an answer holding only aborted
   * data and commit markers is read past, since callers take an empty read for "caught up".
   */
  async fetch(topic: string, partition: number, offset: number, limits: FetchLimits, consumer = this.consumer): Promise<KafkaLogRecord[]> {
    let chunk = await this.fetchChunk(topic, partition, offset, limits, consumer);
    for (let from = offset; chunk.records.length === 0 && chunk.next > from && chunk.next < chunk.lastStable; ) {
      from = chunk.next;
      chunk = await this.fetchChunk(topic, partition, from, limits, consumer);
    }
    return chunk.records;
  }

  /**
   * Like fetch, plus `next`: the offset after the last batch the broker returned, even if all of
   * it was dropped (aborted data, commit markers) — where the following fetch must start.
   */
  async fetchChunk(topic: string, partition: number, offset: number, limits: FetchLimits, consumer = this.consumer): Promise<Chunk> {
    const maxBytes = this.fetchBytes(topic, limits);
    let response;
    for (let attempt = 0; ; attempt++) {
      try {
        response = await this.fetchOnce(topic, partition, offset, limits.maxWaitMs, maxBytes, consumer, attempt > 0);
        break;
      } catch (error) {
        if (hasKafkaError(error, 'OFFSET_OUT_OF_RANGE')) return this.outOfRange(topic, partition, offset, limits, consumer);
        if (!hasKafkaError(error, ...LEADERSHIP_MOVING) || attempt >= LEADERSHIP_RETRIES) throw toEventlineError(error, `read ${topic}/${partition}`);
        await new Promise((resolve) => setTimeout(resolve, LEADERSHIP_RETRY_MS));
      }
    }
    const answer = response.responses[0]?.partitions.find((p) => p.partitionIndex === partition);
    // Never an empty read for a missing answer: an empty read below the end offset means "nothing
    // committed up to the end" to a projection, which then moves its position past it.
    if (!answer) {
      throw new UnavailableError(
        `Kafka answered a fetch of ${topic}/${partition} at offset ${offset} without that partition. Retry the read; if it persists, check the broker logs.`,
        { topic, partition, offset },
      );
    }
    const chunk = decodeCommitted(answer.records, answer.abortedTransactions, {
      topic,
      partition,
      fromOffset: offset,
      maxRecords: limits.maxRecords,
      withTxnIds: limits.withTxnIds,
    });
    if (chunk.bytesPerOffset > 0) this.bytesPerOffset.set(topic, chunk.bytesPerOffset);
    const lastStable = Number(answer.lastStableOffset >= 0n ? answer.lastStableOffset : answer.highWatermark);
    return { ...chunk, lastStable };
  }

  /** One Fetch of one partition from its leader as the (optionally refreshed) metadata names it. */
  private async fetchOnce(
    topic: string,
    partition: number,
    offset: number,
    maxWaitMs: number,
    maxBytes: number,
    consumer: Consumer,
    freshMetadata: boolean,
  ): Promise<RawFetchResponse> {
    // Metadata inside the caller's try too: an outage while refreshing it is BACKEND_UNAVAILABLE.
    const metadata = await consumer.metadata({ topics: [topic], forceUpdate: freshMetadata });
    const info = metadata.topics.get(topic)!;
    // The low-level Fetch, not Consumer.fetch: the client's own read_committed filter keeps one
    // aborted range per producer id, and every writer of the write lease shares one producer id
    // (only the epoch changes), so it dropped committed records between aborted transactions.
    const connection = await consumer.connections.get(metadata.brokers.get(info.partitions[partition].leader)!);
    return rawFetch.async(
      connection,
      maxWaitMs,
      1,
      maxBytes,
      FetchIsolationLevels.READ_COMMITTED,
      0,
      -1, // no fetch session: a one-off full fetch
      [
        {
          topicId: info.id,
          partitions: [{ partition, fetchOffset: BigInt(offset), partitionMaxBytes: maxBytes, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }],
        },
      ],
      [],
      '',
    );
  }

  /**
   * The fetch size: `maxBytes`, or less when the caller takes only `maxRecords` — bytes past them
   * would be sent, copied and dropped (the next read fetches them again). Kafka still answers at
   * least one whole batch, however large.
   */
  private fetchBytes(topic: string, limits: FetchLimits): number {
    const perOffset = this.bytesPerOffset.get(topic);
    if (limits.maxRecords === undefined || perOffset === undefined) return limits.maxBytes;
    return Math.min(limits.maxBytes, Math.max(MIN_SIZED_FETCH, Math.ceil(limits.maxRecords * perOffset * 1.1)));
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
    if (offset >= start) return { records: [], next: offset, bytesPerOffset: 0, lastStable: offset };
    if (!limits.fromStart) throw new OffsetOutOfRangeError(topic, partition, offset, start);
    return this.fetchChunk(topic, partition, start, limits, consumer);
  }
}
