import type Database from 'better-sqlite3';
import {
  LogRecord,
  OffsetOutOfRangeError,
  PartitionOffsets,
  PartitionOutOfRangeError,
  ReadOptions,
  RecordHeaders,
  ValidationError,
} from '@eventline/core';
import { StoredTopic } from './topic-catalog';

/** A row in COLUMNS order: statements run in raw mode, so no per-row column-name object is built. */
type RecordRow = [
  partition: number,
  offset: number,
  key: string | null,
  keyVersion: number | null,
  value: Buffer | null,
  headers: string | null,
  timestamp: number,
];

const NO_HEADERS = Object.freeze({});
export const DEFAULT_MAX_RECORDS = 500;
const DEFAULT_MAX_BYTES = 1_048_576;
/** Rows fetched by the first query of a read; later ones are sized by the bytes left (see scan). */
const FIRST_CHUNK = 64;

const COLUMNS = 'partition, offset, key, key_version, value, headers, timestamp';

/** The reader's SQL; log-reader.spec.ts asserts the plan of each (see the performance notes on ANALYZE). */
export const READER_SQL = {
  /** Plan: SEARCH records USING PRIMARY KEY (topic_id=? AND partition=? AND offset>?) */
  byOffset: `SELECT ${COLUMNS} FROM records
    WHERE topic_id = ? AND partition = ? AND offset >= ? ORDER BY offset LIMIT ?`,
  /** Topics with keyIndex. Plan: SEARCH records USING INDEX records_by_key (topic_id=? AND key=? AND key_version>?) */
  byKey: `SELECT ${COLUMNS} FROM records INDEXED BY records_by_key
    WHERE topic_id = ? AND key = ? AND key_version > ? AND key_indexed = 1 ORDER BY key_version`,
  /** Topics without keyIndex: a scan of the topic's primary-key range, then a sort. */
  byKeyScan: `SELECT ${COLUMNS} FROM records
    WHERE topic_id = ? AND key = ? AND key_version > ? ORDER BY key_version`,
  /**
   * key_versions knows where the latest record of a key is: two primary-key lookups, any topic.
   * Plan: SEARCH kv USING PRIMARY KEY (topic_id=? AND key=?); SEARCH r USING PRIMARY KEY (topic_id=? AND partition=? AND offset=?)
   */
  latest: `SELECT r.partition, r.offset, r.key, r.key_version, r.value, r.headers, r.timestamp
    FROM key_versions kv JOIN records r
      ON r.topic_id = kv.topic_id AND r.partition = kv.partition AND r.offset = kv.last_offset
    WHERE kv.topic_id = ? AND kv.key = ?`,
  /** Plan: SEARCH key_versions USING PRIMARY KEY (topic_id=? AND key=?) */
  version: 'SELECT version FROM key_versions WHERE topic_id = ? AND key = ?',
  offsets: 'SELECT partition, begin_offset, end_offset FROM partitions WHERE topic_id = ? ORDER BY partition',
  /** Plan: SEARCH partitions USING PRIMARY KEY (topic_id=? AND partition=?) */
  beginOffset: 'SELECT begin_offset FROM partitions WHERE topic_id = ? AND partition = ?',
} as const;

/** Reads records by offset or by key; every query but a readKey on a topic without keyIndex is an index search. */
export class LogReader {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = {
      byOffset: db.prepare(READER_SQL.byOffset).raw(true),
      byKey: db.prepare(READER_SQL.byKey).raw(true),
      byKeyScan: db.prepare(READER_SQL.byKeyScan).raw(true),
      latest: db.prepare(READER_SQL.latest).raw(true),
      version: db.prepare(READER_SQL.version).pluck(),
      offsets: db.prepare(READER_SQL.offsets),
      beginOffset: db.prepare(READER_SQL.beginOffset).pluck(),
    };
  }

  read(topic: StoredTopic, partition: number, offset: number, options: ReadOptions = {}): LogRecord[] {
    if (!Number.isInteger(partition) || partition < 0 || partition >= topic.partitions) {
      throw new PartitionOutOfRangeError(topic.name, partition, topic.partitions);
    }
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new ValidationError(`Offset must be a whole number ≥ 0, got ${offset}.`, {
        topic: topic.name,
        offset,
      });
    }
    const maxRecords = positive(options.maxRecords, DEFAULT_MAX_RECORDS, 'maxRecords');
    const maxBytes = positive(options.maxBytes, DEFAULT_MAX_BYTES, 'maxBytes');
    const reset = options.autoOffsetReset ?? 'none';
    if (reset !== 'none' && reset !== 'earliest') {
      throw new ValidationError(
        `autoOffsetReset must be 'none' or 'earliest', got ${JSON.stringify(reset)}.`,
      );
    }
    const out = this.scan(topic, partition, offset, maxRecords, maxBytes);
    // Only a read that does not start exactly at `offset` may have asked for removed history.
    if (out[0]?.offset === offset) return out;
    const begin = this.statements.beginOffset.get(topic.id, partition) as number;
    if (offset >= begin) return out;
    if (reset === 'none') throw new OffsetOutOfRangeError(topic.name, partition, offset, begin);
    return this.scan(topic, partition, begin, maxRecords, maxBytes);
  }

  /**
   * Up to maxRecords records from `offset`, stopping once maxBytes of values are read. Rows come in
   * chunks through `all()` (much cheaper per row than `iterate()`): a first small chunk, then chunks
   * sized from the average value size so far, so a byte-limited read decodes few rows past the limit.
   */
  private scan(
    topic: StoredTopic,
    partition: number,
    offset: number,
    maxRecords: number,
    maxBytes: number,
  ): LogRecord[] {
    const out: LogRecord[] = [];
    let bytes = 0;
    let from = offset;
    let chunk = Math.min(maxRecords, FIRST_CHUNK);
    for (;;) {
      const rows = this.statements.byOffset.all(topic.id, partition, from, chunk) as RecordRow[];
      for (const row of rows) {
        out.push(toRecord(topic.name, row));
        bytes += row[4]?.length ?? 0;
        if (bytes >= maxBytes) return out;
      }
      const left = maxRecords - out.length;
      if (rows.length < chunk || left === 0) return out;
      from = rows[rows.length - 1][1] + 1;
      const average = Math.max(1, bytes / out.length);
      chunk = Math.min(left, Math.max(FIRST_CHUNK, Math.ceil((maxBytes - bytes) / average)));
    }
  }

  readKey(topic: StoredTopic, key: string, afterVersion: number): LogRecord[] {
    if (typeof key !== 'string') throw new ValidationError('A key must be a string.', { topic: topic.name });
    if (!Number.isSafeInteger(afterVersion) || afterVersion < 0) {
      throw new ValidationError(`afterVersion must be a whole number ≥ 0, got ${afterVersion}.`, { key });
    }
    const statement = topic.keyIndex ? this.statements.byKey : this.statements.byKeyScan;
    return (statement.all(topic.id, key, afterVersion) as RecordRow[]).map((r) => toRecord(topic.name, r));
  }

  readLatest(topic: StoredTopic, key: string): LogRecord | null {
    if (typeof key !== 'string') throw new ValidationError('A key must be a string.', { topic: topic.name });
    const row = this.statements.latest.get(topic.id, key) as RecordRow | undefined;
    return row ? toRecord(topic.name, row) : null;
  }

  keyVersion(topic: StoredTopic, key: string): number {
    return (this.statements.version.get(topic.id, key) as number | undefined) ?? 0;
  }

  offsets(topic: StoredTopic): PartitionOffsets[] {
    const rows = this.statements.offsets.all(topic.id) as Array<{
      partition: number;
      begin_offset: number;
      end_offset: number;
    }>;
    return rows.map((r) => ({
      topic: topic.name,
      partition: r.partition,
      beginOffset: r.begin_offset,
      endOffset: r.end_offset,
    }));
  }
}

function toRecord(topic: string, row: RecordRow): LogRecord {
  const headers = row[5];
  return {
    topic,
    partition: row[0],
    offset: row[1],
    key: row[2],
    value: row[4],
    headers: headers === null ? NO_HEADERS : Object.freeze(JSON.parse(headers) as RecordHeaders),
    timestamp: row[6],
    keyVersion: row[3],
  };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1)
    throw new ValidationError(`${name} must be a whole number ≥ 1.`, { [name]: value });
  return value;
}
