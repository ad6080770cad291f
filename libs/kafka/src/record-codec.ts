import { LogRecord, RecordHeaders } from '@eventline/core';

/**
 * Kafka has no per-key sequence number; the writer that holds the write lease numbers the records
 * of each key and stores the number in this header. Readers strip it again.
 */
export const KEY_VERSION_HEADER = 'eventline.key-version';
/** The transaction a record was written in: lets a writer find out whether an ambiguous commit happened. */
export const TXN_HEADER = 'eventline.txn';

/** Headers as the client sends them: a Map of bytes (a plain object would need string serializers). */
export function encodeHeaders(headers: RecordHeaders | undefined, keyVersion: number | null, txnId?: string): Map<Buffer, Buffer> {
  const out = new Map<Buffer, Buffer>();
  for (const [k, v] of Object.entries(headers ?? {})) out.set(Buffer.from(k, 'utf8'), Buffer.from(v, 'utf8'));
  if (keyVersion !== null) out.set(Buffer.from(KEY_VERSION_HEADER), Buffer.from(String(keyVersion)));
  if (txnId) out.set(Buffer.from(TXN_HEADER), Buffer.from(txnId));
  return out;
}

export interface RawRecord {
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly [Buffer | null, Buffer | null][];
}

/** A stored record plus the id of the transaction that wrote it (not part of the port's record). */
export type KafkaLogRecord = LogRecord & { readonly txnId?: string };

export function decodeRecord(topic: string, partition: number, raw: RawRecord): KafkaLogRecord {
  const headers: Record<string, string> = {};
  let keyVersion: number | null = null;
  let txnId: string | undefined;
  for (const [k, v] of raw.headers) {
    const name = k?.toString('utf8') ?? '';
    if (name === KEY_VERSION_HEADER) keyVersion = Number(v?.toString('utf8'));
    else if (name === TXN_HEADER) txnId = v?.toString('utf8');
    else headers[name] = v?.toString('utf8') ?? '';
  }
  const key = raw.key === null ? null : raw.key.toString('utf8');
  const record: LogRecord = {
    topic,
    partition,
    offset: raw.offset,
    key,
    value: raw.value,
    headers,
    timestamp: raw.timestamp,
    keyVersion: key === null ? null : keyVersion,
  };
  // Not enumerable: records compare and serialise exactly like the port's LogRecord.
  if (txnId !== undefined) Object.defineProperty(record, 'txnId', { value: txnId, enumerable: false });
  return record;
}
