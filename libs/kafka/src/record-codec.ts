import { LogRecord, RecordHeaders } from '@eventline/core';

/**
 * Kafka has no per-key sequence number; the writer that holds the write lease numbers the records
 * of each key and stores the number in this header. Readers strip it again.
 */
export const KEY_VERSION_HEADER = 'eventline.key-version';
/** The transaction a record was written in: lets a writer find out whether an ambiguous commit happened. */
export const TXN_HEADER = 'eventline.txn';

// Sent with every record: encoded once, shared (the client only reads header bytes).
const KEY_VERSION_NAME = Buffer.from(KEY_VERSION_HEADER);
const TXN_NAME = Buffer.from(TXN_HEADER);
let lastTxn: { id: string; bytes: Buffer } | undefined;

/** Headers as the client sends them: a Map of bytes (a plain object would need string serializers). */
export function encodeHeaders(headers: RecordHeaders | undefined, keyVersion: number | null, txnId?: string): Map<Buffer, Buffer> {
  const out = new Map<Buffer, Buffer>();
  for (const k in headers) out.set(Buffer.from(k, 'utf8'), Buffer.from(headers[k], 'utf8'));
  if (keyVersion !== null) out.set(KEY_VERSION_NAME, Buffer.from(String(keyVersion)));
  if (txnId) {
    // All records of a transaction carry the same id: one Buffer for all of them.
    if (lastTxn?.id !== txnId) lastTxn = { id: txnId, bytes: Buffer.from(txnId) };
    out.set(TXN_NAME, lastTxn.bytes);
  }
  return out;
}

/** A stored record plus the id of the transaction that wrote it (not part of the port's record; only when read `withTxnIds`). */
export type KafkaLogRecord = LogRecord & { readonly txnId?: string };
