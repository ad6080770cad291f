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

/** A stored record plus the id of the transaction that wrote it (not part of the port's record; only when read `withTxnIds`). */
export type KafkaLogRecord = LogRecord & { readonly txnId?: string };
