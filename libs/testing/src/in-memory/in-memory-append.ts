import {
  AppendRequest,
  KeyRequiredError,
  KeyExpectation,
  Partitioner,
  PartitionOutOfRangeError,
  RecordHeaders,
  RecordTooLargeError,
  ValidationError,
  isCompacted,
} from '@eventline/core';
import { InMemoryTopic } from './in-memory-topic';

export interface CheckedRecord {
  readonly topic: InMemoryTopic;
  readonly partition: number;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: RecordHeaders;
  readonly timestamp: number;
}

export interface CheckedAppend {
  readonly records: readonly CheckedRecord[];
  readonly expectations: ReadonlyArray<{
    readonly topic: InMemoryTopic;
    readonly expectation: KeyExpectation;
  }>;
}

const NO_HEADERS: RecordHeaders = Object.freeze({});

/** The same checks, in the same order, as the SQLite engine: bad input fails before anything is written. */
export function checkAppend(
  request: AppendRequest,
  topicOf: (name: string) => InMemoryTopic,
  partitioner: Partitioner,
  now: number,
): CheckedAppend {
  if (!request || !Array.isArray(request.records) || request.records.length === 0) {
    throw new ValidationError('An append needs at least one record in `records`.');
  }
  const records = request.records.map((r, i): CheckedRecord => {
    const topic = topicOf(r.topic);
    if (r.key !== null && typeof r.key !== 'string') {
      throw new ValidationError(`records[${i}].key must be a string or null.`, { index: i });
    }
    if (r.key === null && isCompacted(topic.description.config)) {
      throw new KeyRequiredError(topic.name, i);
    }
    if (r.value !== null && !(r.value instanceof Uint8Array)) {
      throw new ValidationError(`records[${i}].value must be a Buffer or null (a tombstone).`, { index: i });
    }
    const partitions = topic.description.partitions;
    const partition = r.partition ?? partitioner.partition(topic.name, r.key, partitions);
    if (!Number.isInteger(partition) || partition < 0 || partition >= partitions) {
      throw new PartitionOutOfRangeError(topic.name, partition, partitions);
    }
    const headers = checkHeaders(r.headers, i);
    const size =
      (r.key === null ? 0 : Buffer.byteLength(r.key)) +
      (r.value?.length ?? 0) +
      (headers === NO_HEADERS ? 0 : Buffer.byteLength(JSON.stringify(headers)));
    const max = topic.description.config.maxMessageBytes;
    if (size > max) throw new RecordTooLargeError(topic.name, size, max);
    const timestamp = r.timestamp ?? now;
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw new ValidationError(`records[${i}].timestamp must be milliseconds since the epoch.`, {
        index: i,
      });
    }
    // A copy: the caller may reuse its buffer, the log must not change under readers.
    const value = r.value === null ? null : Buffer.from(r.value);
    return { topic, partition, key: r.key, value, headers, timestamp };
  });
  const expectations = (request.expectations ?? []).map((e, i) => {
    const topic = topicOf(e.topic);
    if (typeof e.key !== 'string' || !Number.isSafeInteger(e.version) || e.version < 0) {
      throw new ValidationError(`expectations[${i}] needs a string key and a whole version ≥ 0.`, {
        index: i,
      });
    }
    return { topic, expectation: e };
  });
  return { records, expectations };
}

function checkHeaders(headers: RecordHeaders | undefined, index: number): RecordHeaders {
  if (headers === undefined || headers === null) return NO_HEADERS;
  if (typeof headers !== 'object' || Array.isArray(headers)) {
    throw new ValidationError(`records[${index}].headers must be an object of strings.`, { index });
  }
  const entries = Object.entries(headers);
  if (entries.length === 0) return NO_HEADERS;
  for (const [k, v] of entries) {
    if (typeof v !== 'string') {
      throw new ValidationError(`records[${index}].headers["${k}"] must be a string.`, { index, header: k });
    }
  }
  return Object.freeze({ ...headers });
}
