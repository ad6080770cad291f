import {
  AppendRequest,
  isCompacted,
  KeyRequiredError,
  KeyExpectation,
  Partitioner,
  PartitionOutOfRangeError,
  RecordTooLargeError,
  ValidationError,
} from '@eventline/core';
import { TopicCatalog } from './topic-catalog';

/** A validated record with its partition chosen and its bytes ready to store. */
export interface PlannedRecord {
  readonly topicId: number;
  readonly topic: string;
  readonly partition: number;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: string | null;
  readonly timestamp: number;
  /** Goes into records_by_key: a keyed record of a topic with keyIndex. */
  readonly keyIndexed: boolean;
}

export interface PlannedExpectation {
  readonly topicId: number;
  readonly expectation: KeyExpectation;
}

export interface AppendPlan {
  readonly records: readonly PlannedRecord[];
  readonly expectations: readonly PlannedExpectation[];
}

/**
 * Checks an append request completely before it is queued, so bad input fails at once with a
 * precise error and never reaches the log (nor fails a group commit it shares with others).
 */
export function planAppend(
  request: AppendRequest,
  catalog: TopicCatalog,
  partitioner: Partitioner,
  now: number,
): AppendPlan {
  if (!request || !Array.isArray(request.records) || request.records.length === 0) {
    throw new ValidationError('An append needs at least one record in `records`.');
  }
  const records = request.records.map((r, i): PlannedRecord => {
    const topic = catalog.get(r.topic);
    if (r.key !== null && typeof r.key !== 'string') {
      throw new ValidationError(`records[${i}].key must be a string or null.`, { index: i });
    }
    if (r.key === null && isCompacted(topic.config)) throw new KeyRequiredError(topic.name, i);
    if (r.value !== null && !(r.value instanceof Uint8Array)) {
      throw new ValidationError(`records[${i}].value must be a Buffer or null (a tombstone).`, { index: i });
    }
    const partition = r.partition ?? partitioner.partition(topic.name, r.key, topic.partitions);
    if (!Number.isInteger(partition) || partition < 0 || partition >= topic.partitions) {
      throw new PartitionOutOfRangeError(topic.name, partition, topic.partitions);
    }
    const headers = encodeHeaders(r.headers, i);
    const size =
      (r.key === null ? 0 : Buffer.byteLength(r.key)) +
      (r.value?.length ?? 0) +
      (headers ? Buffer.byteLength(headers) : 0);
    if (size > topic.config.maxMessageBytes)
      throw new RecordTooLargeError(topic.name, size, topic.config.maxMessageBytes);
    const timestamp = r.timestamp ?? now;
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw new ValidationError(`records[${i}].timestamp must be milliseconds since the epoch.`, {
        index: i,
      });
    }
    const value = r.value === null ? null : Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
    const keyIndexed = r.key !== null && topic.keyIndex;
    return {
      topicId: topic.id,
      topic: topic.name,
      partition,
      key: r.key,
      value,
      headers,
      timestamp,
      keyIndexed,
    };
  });
  const expectations = (request.expectations ?? []).map((e, i): PlannedExpectation => {
    const topic = catalog.get(e.topic);
    if (typeof e.key !== 'string' || !Number.isSafeInteger(e.version) || e.version < 0) {
      throw new ValidationError(`expectations[${i}] needs a string key and a whole version ≥ 0.`, {
        index: i,
      });
    }
    return { topicId: topic.id, expectation: e };
  });
  return { records, expectations };
}

function encodeHeaders(headers: Readonly<Record<string, string>> | undefined, index: number): string | null {
  if (headers === undefined || headers === null) return null;
  if (typeof headers !== 'object' || Array.isArray(headers)) {
    throw new ValidationError(`records[${index}].headers must be an object of strings.`, { index });
  }
  let empty = true;
  // for…in over own keys, not Object.entries: no pair arrays for every header of every record.
  for (const k in headers) {
    if (!Object.prototype.hasOwnProperty.call(headers, k)) continue;
    empty = false;
    if (typeof headers[k] !== 'string') {
      throw new ValidationError(`records[${index}].headers["${k}"] must be a string.`, { index, header: k });
    }
  }
  return empty ? null : JSON.stringify(headers);
}
