/** Record headers: string keys to UTF-8 string values. */
export type RecordHeaders = Readonly<Record<string, string>>;

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** Where a record sits in the log: usable later as a consistency token. */
export interface RecordPosition extends TopicPartition {
  readonly offset: number;
}

/** A record as stored. Offsets are per partition, strictly increasing, never reused; compaction leaves gaps. */
export interface LogRecord extends RecordPosition {
  readonly key: string | null;
  /** null = tombstone (deletes the key on compacted topics). */
  readonly value: Buffer | null;
  readonly headers: RecordHeaders;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  /** 1-based sequence number of this record among the records of its key in this topic; null for unkeyed records. */
  readonly keyVersion: number | null;
}

/** A record to append. Without `partition`, keyed records go to murmur2(key) % partitions, unkeyed ones round-robin. */
export interface ProducerRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers?: RecordHeaders;
  readonly partition?: number;
  readonly timestamp?: number;
}

/** "Append only if `key` in `topic` is still at `version`" (0 = the key has no record yet). */
export interface KeyExpectation {
  readonly topic: string;
  readonly key: string;
  readonly version: number;
}

export interface AppendRequest {
  readonly records: readonly ProducerRecord[];
  /** Checked atomically with the append: one failing expectation rejects the whole batch. */
  readonly expectations?: readonly KeyExpectation[];
}

export interface AppendedRecord extends RecordPosition {
  readonly key: string | null;
  readonly keyVersion: number | null;
}

export interface AppendResult {
  /** One entry per requested record, in request order. */
  readonly records: readonly AppendedRecord[];
}

export interface PartitionOffsets extends TopicPartition {
  /** Offset of the first record still in the log (log start offset). */
  readonly beginOffset: number;
  /** Offset the next appended record will get (log end offset / high watermark). */
  readonly endOffset: number;
}

export interface ReadOptions {
  /** At most this many records (default 500). */
  readonly maxRecords?: number;
  /** Stop after roughly this many value bytes (default 1 MiB); at least one record is returned if any. */
  readonly maxBytes?: number;
  /** Long poll: when nothing is there yet, wait up to this long for an append (default 0). */
  readonly maxWaitMs?: number;
  /**
   * When `offset` is below the partition's log start offset (retention removed those records), as
   * Kafka's `auto.offset.reset`: 'none' (default) fails with OffsetOutOfRangeError, so a consumer
   * notices it skipped history; 'earliest' reads from the log start offset instead.
   */
  readonly autoOffsetReset?: 'none' | 'earliest';
}
