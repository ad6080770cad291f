import { compressionsAlgorithmsByBitmask } from '@platformatic/kafka';
import { ValidationError } from '@eventline/core';

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Where a batch sits, for the error message. */
export interface BatchAt {
  readonly topic: string;
  readonly partition: number;
  readonly baseOffset: number;
}

/**
 * The records section of a compressed batch, decompressed with the client's codecs. Known gaps
 * (Node 20, client 1.35): zstd needs a Node with zlib zstd, and snappy as Kafka's Java producer
 * frames it (xerial) fails — gzip and lz4 read fine.
 */
export function decompressRecords(
  data: Buffer,
  start: number,
  end: number,
  codec: number,
  at: BatchAt,
): Buffer {
  const algorithm = compressionsAlgorithmsByBitmask[codec];
  try {
    if (!algorithm) throw new Error('unknown codec');
    return algorithm.decompressSync(data.subarray(start, end));
  } catch (error) {
    const name = CODECS[codec] ?? `codec ${codec}`;
    throw new ValidationError(
      `Cannot read the record batch at ${at.topic}/${at.partition}@${at.baseOffset}: its ${name} compression failed to decompress here (${error instanceof Error ? error.message : String(error)}). Have producers of this topic use gzip, lz4 or no compression.`,
      {
        topic: at.topic,
        partition: at.partition,
        offset: at.baseOffset,
        compression: CODECS[codec] ?? codec,
      },
      'UNSUPPORTED_RECORD_BATCH',
    );
  }
}
