import {
  AppendRequest,
  isCompacted,
  KeyExpectation,
  KeyRequiredError,
  Partitioner,
  PartitionOutOfRangeError,
  RecordHeaders,
  RecordTooLargeError,
  ValidationError,
} from '@eventline/core';
import { KafkaTopics } from './kafka-topics';

/** A validated record with its partition chosen (core's murmur2 partitioner, as in SQLite). */
export interface PlannedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: RecordHeaders | undefined;
  readonly timestamp: number;
}

export interface AppendPlan {
  readonly records: readonly PlannedRecord[];
  readonly expectations: readonly (KeyExpectation & { readonly partition: number })[];
}

/** Checks an append completely before it is queued: bad input fails alone, before any broker call that writes. */
export async function planAppend(request: AppendRequest, topics: KafkaTopics, partitioner: Partitioner): Promise<AppendPlan> {
  if (!request || !Array.isArray(request.records) || request.records.length === 0) {
    throw new ValidationError('An append needs at least one record in `records`.');
  }
  const now = Date.now();
  const records: PlannedRecord[] = [];
  for (const [i, r] of request.records.entries()) {
    const topic = await topics.describe(r.topic);
    if (r.key !== null && typeof r.key !== 'string') {
      throw new ValidationError(`records[${i}].key must be a string or null.`, { index: i });
    }
    if (r.value !== null && !(r.value instanceof Uint8Array)) {
      throw new ValidationError(`records[${i}].value must be a Buffer or null (a tombstone).`, { index: i });
    }
    checkHeaders(r.headers, i);
    // Kafka itself refuses unkeyed records on compacted topics; say so before anything is sent.
    if (r.key === null && isCompacted(topic.config)) throw new KeyRequiredError(topic.name, i);
    const partition = r.partition ?? partitioner.partition(topic.name, r.key, topic.partitions);
    if (!Number.isInteger(partition) || partition < 0 || partition >= topic.partitions) {
      throw new PartitionOutOfRangeError(topic.name, partition, topic.partitions);
    }
    const headerBytes = Object.entries(r.headers ?? {}).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
    const size = (r.key === null ? 0 : Buffer.byteLength(r.key)) + (r.value?.length ?? 0) + headerBytes;
    if (size > topic.config.maxMessageBytes) throw new RecordTooLargeError(topic.name, size, topic.config.maxMessageBytes);
    const timestamp = r.timestamp ?? now;
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw new ValidationError(`records[${i}].timestamp must be milliseconds since the epoch.`, { index: i });
    }
    const value = r.value === null ? null : Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
    records.push({ topic: topic.name, partition, key: r.key, value, headers: r.headers, timestamp });
  }
  const expectations: AppendPlan['expectations'][number][] = [];
  for (const [i, e] of (request.expectations ?? []).entries()) {
    const topic = await topics.describe(e.topic);
    if (typeof e.key !== 'string' || !Number.isSafeInteger(e.version) || e.version < 0) {
      throw new ValidationError(`expectations[${i}] needs a string key and a whole version ≥ 0.`, { index: i });
    }
    expectations.push({ ...e, partition: partitioner.partition(topic.name, e.key, topic.partitions) });
  }
  return { records, expectations };
}

function checkHeaders(headers: unknown, index: number): void {
  if (headers === undefined || headers === null) return;
  if (typeof headers !== 'object' || Array.isArray(headers)) {
    throw new ValidationError(`records[${index}].headers must be an object of strings.`, { index });
  }
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
    if (typeof v !== 'string') {
      throw new ValidationError(`records[${index}].headers["${k}"] must be a string.`, { index, header: k });
    }
  }
}
