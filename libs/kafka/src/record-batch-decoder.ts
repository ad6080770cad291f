import { ValidationError } from '@eventline/core';
import { decompressRecords } from './batch-compression';
import { KafkaLogRecord, KEY_VERSION_HEADER, TXN_HEADER } from './record-codec';
import { readInt64, RecordCursor } from './record-cursor';

/**
 * Decodes the record batches (format v2, magic 2) of one partition's Fetch answer straight into
 * Eventline records, keeping only what read_committed shows: records of committed transactions
 * and non-transactional ones, no control (commit/abort marker) batches.
 *
 * Why not the client's parser: it reads every field through a chunked buffer (a linear search of
 * the socket chunks per field, a tuple per varint, a BigInt per timestamp) and builds an object per
 * record and per header before ours — most of a replay's CPU and garbage. Here a record costs one
 * object, its headers object, its key string and a view of its value (no copy of the bytes: a
 * value keeps the fetch's buffer alive while it is referenced, as in other Kafka clients).
 */

/** baseOffset int64, batchLength int32: what precedes every batch's `batchLength` bytes. */
const LOG_OVERHEAD = 12;
/** Bytes from the batch start to its first record (v2 header incl. the record count). */
const BATCH_HEADER = 61;
const COMPRESSION = 0x07;
const IS_TRANSACTIONAL = 0x10;
const IS_CONTROL = 0x20;

const KEY_VERSION_NAME = Buffer.from(KEY_VERSION_HEADER);
const TXN_NAME = Buffer.from(TXN_HEADER);

export interface AbortedTransaction {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
}

export interface DecodeRequest {
  readonly topic: string;
  readonly partition: number;
  /** Records before this offset (the broker answers whole batches) are skipped. */
  readonly fromOffset: number;
  /** Stop after this many records: nothing past them is decoded. */
  readonly maxRecords?: number;
  /** Attach each record's `txnId` (only the write lease's ambiguous-commit check needs it). */
  readonly withTxnIds?: boolean;
}

export interface DecodedChunk {
  readonly records: KafkaLogRecord[];
  /**
   * Where the next fetch starts: after the last complete batch of the answer (even when all of it
   * was dropped), or after the last record returned when `maxRecords` cut the answer short.
   */
  readonly next: number;
  /** Bytes per offset over the batches looked at (0 if none): sizes the next fetch to a record count. */
  readonly bytesPerOffset: number;
}

/** The committed records of `data` (the partition's `records` bytes of a read_committed Fetch). */
export function decodeCommitted(
  data: Buffer | undefined,
  aborted: readonly AbortedTransaction[],
  request: DecodeRequest,
): DecodedChunk {
  const { topic, partition, fromOffset } = request;
  const maxRecords = request.maxRecords ?? Infinity;
  const records: KafkaLogRecord[] = [];
  let next = fromOffset;
  if (!data || maxRecords <= 0) return { records, next, bytesPerOffset: 0 };
  // Aborted transactions start in offset order; a producer is "in an aborted transaction" from its
  // entry's first offset until its next control batch (the abort marker).
  const pending = aborted
    .map((a) => ({ producerId: Number(a.producerId), firstOffset: Number(a.firstOffset) }))
    .sort((a, b) => a.firstOffset - b.firstOffset);
  let nextPending = 0;
  const abortedNow = new Set<number>();
  let position = 0;
  let firstBase = -1;
  const perOffset = (lastOffset: number): number =>
    firstBase < 0 ? 0 : position / (lastOffset + 1 - firstBase);
  // A batch cut off by the fetch size limit at the end of the answer is ignored (fetched again).
  while (
    data.length - position >= LOG_OVERHEAD &&
    data.length - position - LOG_OVERHEAD >= data.readInt32BE(position + 8)
  ) {
    const start = position;
    const baseOffset = readInt64(data, start);
    const end = start + LOG_OVERHEAD + data.readInt32BE(start + 8);
    position = end;
    if (firstBase < 0) firstBase = baseOffset;
    const magic = data.readInt8(start + 16);
    if (magic !== 2)
      throw new ValidationError(
        `Cannot read the record batch at ${topic}/${partition}@${baseOffset}: it has format v${magic}; Eventline reads v2 (Kafka ≥ 0.11) only.`,
        { topic, partition, offset: baseOffset, magic },
        'UNSUPPORTED_RECORD_BATCH',
      );
    const attributes = data.readInt16BE(start + 21);
    const lastOffset = baseOffset + data.readInt32BE(start + 23);
    const producerId = readInt64(data, start + 43);
    while (nextPending < pending.length && pending[nextPending].firstOffset <= baseOffset)
      abortedNow.add(pending[nextPending++].producerId);
    if (attributes & IS_CONTROL) {
      // A marker ends the producer's transaction, whether it committed or aborted.
      abortedNow.delete(producerId);
    } else if (!(attributes & IS_TRANSACTIONAL && abortedNow.has(producerId)) && lastOffset >= fromOffset) {
      const batch = {
        topic,
        partition,
        fromOffset,
        baseOffset,
        baseTimestamp: readInt64(data, start + 27),
        count: data.readInt32BE(start + 57),
        room: maxRecords - records.length,
        withTxnIds: request.withTxnIds === true,
      };
      const cut =
        (attributes & COMPRESSION) === 0
          ? decodeRecords(data, start + BATCH_HEADER, batch, records)
          : decodeRecords(
              decompressRecords(data, start + BATCH_HEADER, end, attributes & COMPRESSION, batch),
              0,
              batch,
              records,
            );
      if (cut)
        return {
          records,
          next: records[records.length - 1].offset + 1,
          bytesPerOffset: perOffset(lastOffset),
        };
    }
    next = Math.max(next, lastOffset + 1);
  }
  return { records, next, bytesPerOffset: perOffset(next - 1) };
}

interface BatchContext {
  readonly topic: string;
  readonly partition: number;
  readonly fromOffset: number;
  readonly baseOffset: number;
  readonly baseTimestamp: number;
  readonly count: number;
  /** How many more records the caller takes. */
  readonly room: number;
  readonly withTxnIds: boolean;
}

/** Appends the batch's records at or after `fromOffset` to `out`; true when `room` cut the batch short. */
function decodeRecords(data: Buffer, position: number, batch: BatchContext, out: KafkaLogRecord[]): boolean {
  const cursor = new RecordCursor(data, position);
  let taken = 0;
  for (let i = 0; i < batch.count; i++) {
    const length = cursor.varint();
    const recordEnd = cursor.position + length;
    cursor.position += 1; // attributes (unused in v2)
    const timestampDelta = cursor.varlong();
    const offset = batch.baseOffset + cursor.varint();
    if (offset < batch.fromOffset) {
      cursor.position = recordEnd;
      continue;
    }
    if (taken === batch.room) return true;
    const keyLength = cursor.varint();
    const key = keyLength < 0 ? null : data.toString('utf8', cursor.position, (cursor.position += keyLength));
    const valueLength = cursor.varint();
    const value = valueLength < 0 ? null : data.subarray(cursor.position, (cursor.position += valueLength));
    const headers: Record<string, string> = {};
    let keyVersion: number | null = null;
    let txnId: string | undefined;
    for (let h = cursor.varint(); h > 0; h--) {
      const nameLength = Math.max(0, cursor.varint()); // a null name reads as ''
      const nameStart = cursor.position;
      cursor.position += nameLength;
      const valueLength = cursor.varint();
      const valueStart = cursor.position;
      const valueEnd = valueLength < 0 ? valueStart : (cursor.position += valueLength);
      if (sameBytes(data, nameStart, nameLength, KEY_VERSION_NAME)) {
        keyVersion = valueLength < 0 ? NaN : parseDecimal(data, valueStart, valueEnd);
      } else if (sameBytes(data, nameStart, nameLength, TXN_NAME)) {
        if (batch.withTxnIds && valueLength >= 0) txnId = data.toString('utf8', valueStart, valueEnd);
      } else {
        headers[data.toString('utf8', nameStart, nameStart + nameLength)] =
          valueLength < 0 ? '' : data.toString('utf8', valueStart, valueEnd);
      }
    }
    cursor.position = recordEnd;
    const record: KafkaLogRecord = {
      topic: batch.topic,
      partition: batch.partition,
      offset,
      key,
      value,
      headers,
      timestamp: batch.baseTimestamp + timestampDelta,
      keyVersion: key === null ? null : keyVersion,
    };
    // Not enumerable: records compare and serialise exactly like the port's LogRecord. Costly
    // (a shape change per record), hence only on request.
    if (txnId !== undefined) Object.defineProperty(record, 'txnId', { value: txnId, enumerable: false });
    out.push(record);
    taken++;
  }
  return false;
}

function sameBytes(data: Buffer, start: number, length: number, expected: Buffer): boolean {
  if (length !== expected.length) return false;
  for (let i = 0; i < length; i++) if (data[start + i] !== expected[i]) return false;
  return true;
}

/** The key-version header: ASCII digits written by the write lease (anything else: as Number() reads it). */
function parseDecimal(data: Buffer, start: number, end: number): number {
  if (start === end) return 0;
  let n = 0;
  for (let i = start; i < end; i++) {
    const digit = data[i] - 48;
    if (digit < 0 || digit > 9) return Number(data.toString('utf8', start, end));
    n = n * 10 + digit;
  }
  return n;
}
