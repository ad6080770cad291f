import { createAPI, fetchV17, Reader, ResponseError } from '@platformatic/kafka';
import { AbortedTransaction } from './record-batch-decoder';

/**
 * Kafka's Fetch (v17) with the client's request encoder but a response parser that leaves each
 * partition's record batches as one contiguous Buffer: record-batch-decoder.ts decodes them
 * straight into Eventline records. Errors come back as the client's ResponseError, as with
 * `fetchV17.api`.
 */

export interface RawFetchPartition {
  readonly partitionIndex: number;
  readonly errorCode: number;
  readonly highWatermark: bigint;
  readonly lastStableOffset: bigint;
  readonly logStartOffset: bigint;
  readonly abortedTransactions: AbortedTransaction[];
  readonly preferredReadReplica: number;
  /** The partition's record batches as sent (possibly ending in a truncated batch), if any. */
  readonly records?: Buffer;
}

export interface RawFetchResponse {
  readonly throttleTimeMs: number;
  readonly errorCode: number;
  readonly sessionId: number;
  readonly responses: { readonly topicId: string; readonly partitions: RawFetchPartition[] }[];
}

type ErrorAt = [string, [number, null]];

function parseResponse(
  _correlationId: number,
  apiKey: number,
  apiVersion: number,
  reader: Reader,
): RawFetchResponse {
  const errors: ErrorAt[] = [];
  const throttleTimeMs = reader.readInt32();
  const errorCode = reader.readInt16();
  if (errorCode !== 0) errors.push(['', [errorCode, null]]);
  const response: RawFetchResponse = {
    throttleTimeMs,
    errorCode,
    sessionId: reader.readInt32(),
    responses: reader.readArray((r, i) => ({
      topicId: r.readUUID(),
      partitions: r.readArray((r, j) => {
        const partitionIndex = r.readInt32();
        const errorCode = r.readInt16();
        const highWatermark = r.readInt64();
        const lastStableOffset = r.readInt64();
        const logStartOffset = r.readInt64();
        const abortedTransactions = r.readArray((r) => ({
          producerId: r.readInt64(),
          firstOffset: r.readInt64(),
        }));
        const preferredReadReplica = r.readInt32();
        if (errorCode !== 0) errors.push([`/responses/${i}/partitions/${j}`, [errorCode, null]]);
        // COMPACT_RECORDS: the length is stored plus one. `slice` copies only when the answer
        // spans several socket chunks: one copy per fetch, then every read is on one Buffer.
        const size = r.readUnsignedVarInt() - 1;
        const records = size > 0 ? r.buffer.slice(r.position, r.position + size) : undefined;
        if (size > 0) r.skip(size);
        return {
          partitionIndex,
          errorCode,
          highWatermark,
          lastStableOffset,
          logStartOffset,
          abortedTransactions,
          preferredReadReplica,
          records,
        };
      }),
    })),
  };
  if (errors.length > 0) throw new ResponseError(apiKey, apiVersion, Object.fromEntries(errors), response);
  return response;
}

export const rawFetch = createAPI<Parameters<typeof fetchV17.createRequest>, RawFetchResponse>(
  1,
  17,
  fetchV17.createRequest,
  parseResponse,
);
