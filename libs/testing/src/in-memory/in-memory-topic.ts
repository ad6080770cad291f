import { LogRecord, TopicDescription } from '@eventline/core';

/** One partition: records in offset order (gaps after compaction), log start and end offsets. */
export interface InMemoryPartition {
  records: LogRecord[];
  beginOffset: number;
  endOffset: number;
}

/** What key_versions is in the SQLite engine: a key's latest version and where its latest record went. */
export interface KeyState {
  version: number;
  partition: number;
  offset: number;
}

/** A topic of the in-memory log: its description, partitions and per-key versions. */
export class InMemoryTopic {
  readonly partitions: InMemoryPartition[];
  readonly keys = new Map<string, KeyState>();

  constructor(readonly description: TopicDescription) {
    this.partitions = Array.from({ length: description.partitions }, () => ({
      records: [],
      beginOffset: 0,
      endOffset: 0,
    }));
  }

  get name(): string {
    return this.description.name;
  }

  /** Index of the first record at or after `offset` (binary search: offsets are increasing). */
  static firstAtOrAfter(records: readonly LogRecord[], offset: number): number {
    let lo = 0;
    let hi = records.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (records[mid].offset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The record at exactly this offset, if it is still there. */
  recordAt(partition: number, offset: number): LogRecord | undefined {
    const records = this.partitions[partition].records;
    const record = records[InMemoryTopic.firstAtOrAfter(records, offset)];
    return record?.offset === offset ? record : undefined;
  }
}
