import { createRecordsBatch } from '@platformatic/kafka';
import fc from 'fast-check';
import { decodeCommitted } from './record-batch-decoder';
import { encodeHeaders } from './record-codec';

/**
 * The decoder against a model of read_committed: batches written by the client's own encoder
 * (createRecordsBatch, what the write lease sends), placed at broker offsets with compaction gaps,
 * from several producers whose transactions commit or abort, one producer id reused across
 * transactions (the write lease's case), some batches gzip-compressed.
 */

interface Rec {
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
  readonly keyVersion: number | null;
  readonly timestampDelta: number;
}

type Step =
  | { kind: 'data'; producer: number; transactional: boolean; gzip: boolean; gap: number; records: Rec[] }
  | { kind: 'marker'; producer: number; commit: boolean; gap: number };

const BASE_TIMESTAMP = 1_764_000_000_000;

const rec: fc.Arbitrary<Rec> = fc.record({
  key: fc.option(fc.string({ unit: 'grapheme', maxLength: 12 }), { nil: null }),
  value: fc.option(
    fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
    { nil: null },
  ),
  headers: fc.dictionary(
    fc.string({ unit: 'grapheme', maxLength: 8 }).filter((k) => !k.startsWith('eventline.')),
    fc.string({ maxLength: 8 }),
    { maxKeys: 2 },
  ),
  keyVersion: fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: null }),
  timestampDelta: fc.integer({ min: 0, max: 100_000 }),
});

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('data' as const),
    producer: fc.integer({ min: 0, max: 2 }),
    transactional: fc.boolean(),
    gzip: fc.boolean(),
    gap: fc.integer({ min: 0, max: 3 }),
    records: fc.array(rec, { minLength: 1, maxLength: 5 }),
  }),
  fc.record({
    kind: fc.constant('marker' as const),
    producer: fc.integer({ min: 0, max: 2 }),
    commit: fc.boolean(),
    gap: fc.integer({ min: 0, max: 3 }),
  }),
);

interface Expected {
  readonly offset: number;
  readonly rec: Rec;
}

/** Lays the steps out as a partition's log; returns its bytes, the aborted list and what read_committed shows. */
function build(steps: readonly Step[]): {
  data: Buffer;
  aborted: { producerId: bigint; firstOffset: bigint }[];
  visible: Expected[];
  end: number;
} {
  const buffers: Buffer[] = [];
  const aborted: { producerId: bigint; firstOffset: bigint }[] = [];
  const visible: Expected[] = [];
  // Per producer: the records of its open transaction and the offset where it began.
  const open = new Map<number, { first: number; records: Expected[] }>();
  let offset = 0;
  const place = (batch: Buffer, base: number): void => {
    batch.writeBigInt64BE(BigInt(base), 0);
    buffers.push(batch);
  };
  const marker = (producer: number, commit: boolean, gap: number): void => {
    const txn = open.get(producer);
    open.delete(producer);
    offset += gap;
    const batch = createRecordsBatch([{ topic: 't', value: Buffer.alloc(4) }], {
      producerId: BigInt(producer),
      transactionalId: 'x',
    }).buffer;
    batch.writeInt16BE(batch.readInt16BE(21) | 0x20, 21); // the control bit (CRC not checked by readers here)
    place(batch, offset);
    offset += 1;
    if (!txn) return;
    if (commit) visible.push(...txn.records);
    else aborted.push({ producerId: BigInt(producer), firstOffset: BigInt(txn.first) });
  };
  for (const s of steps) {
    if (s.kind === 'marker') {
      marker(s.producer, s.commit, s.gap);
      continue;
    }
    offset += s.gap;
    const messages = s.records.map((r) => ({
      topic: 't',
      key: r.key === null ? undefined : Buffer.from(r.key),
      value: r.value as Buffer,
      headers: encodeHeaders(r.headers, r.keyVersion, 'txn-1'),
      timestamp: BigInt(BASE_TIMESTAMP + r.timestampDelta),
    }));
    const options = {
      producerId: s.transactional ? BigInt(s.producer) : -1n,
      transactionalId: s.transactional ? 'x' : undefined,
      compression: s.gzip ? ('gzip' as const) : ('none' as const),
    };
    place(createRecordsBatch(messages, options).buffer, offset);
    const placed = s.records.map((r, i) => ({ offset: offset + i, rec: r }));
    if (!s.transactional) visible.push(...placed);
    else {
      const txn = open.get(s.producer) ?? { first: offset, records: [] };
      txn.records.push(...placed);
      open.set(s.producer, txn);
    }
    offset += s.records.length;
  }
  // read_committed never sees an open transaction: close each (committed).
  for (const producer of [...open.keys()]) marker(producer, true, 0);
  visible.sort((a, b) => a.offset - b.offset);
  return { data: Buffer.concat(buffers), aborted, visible, end: offset };
}

function expectRecord(actual: unknown, e: Expected): void {
  const { rec: r } = e;
  expect(actual).toEqual({
    topic: 't',
    partition: 3,
    offset: e.offset,
    key: r.key,
    value: r.value,
    headers: r.headers,
    timestamp: BASE_TIMESTAMP + r.timestampDelta,
    keyVersion: r.key === null ? null : r.keyVersion,
  });
}

describe('decodeCommitted', () => {
  it('returns exactly the committed records from the requested offset, at most maxRecords, and where to fetch next', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 25 }),
        fc.nat(60),
        fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
        (steps, from, maxRecords) => {
          const { data, aborted, visible, end } = build(steps);
          const wanted = visible.filter((v) => v.offset >= from);
          const taken = maxRecords === undefined ? wanted : wanted.slice(0, maxRecords);
          const chunk = decodeCommitted(data.length > 0 ? data : undefined, aborted, {
            topic: 't',
            partition: 3,
            fromOffset: from,
            maxRecords,
          });
          expect(chunk.records.map((r) => r.offset)).toEqual(taken.map((t) => t.offset));
          chunk.records.forEach((r, i) => expectRecord(r, taken[i]));
          const cut = taken.length < wanted.length;
          expect(chunk.next).toBe(cut ? taken[taken.length - 1].offset + 1 : Math.max(from, end));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('ignores a batch cut off at the end of the answer (the next fetch starts at it)', () => {
    const { data, aborted, visible } = build([
      {
        kind: 'data',
        producer: 0,
        transactional: false,
        gzip: false,
        gap: 0,
        records: [{ key: 'a', value: Buffer.from('1'), headers: {}, keyVersion: 1, timestampDelta: 0 }],
      },
      {
        kind: 'data',
        producer: 0,
        transactional: false,
        gzip: false,
        gap: 0,
        records: [{ key: 'b', value: Buffer.from('2'), headers: {}, keyVersion: 1, timestampDelta: 0 }],
      },
    ]);
    const chunk = decodeCommitted(data.subarray(0, data.length - 3), aborted, {
      topic: 't',
      partition: 3,
      fromOffset: 0,
    });
    expect(chunk.records.map((r) => r.key)).toEqual(['a']);
    expect(chunk.next).toBe(visible[1].offset);
  });

  it('attaches the writing transaction as a non-enumerable txnId only when asked', () => {
    const { data } = build([
      {
        kind: 'data',
        producer: 0,
        transactional: false,
        gzip: false,
        gap: 0,
        records: [{ key: 'a', value: null, headers: { h: 'v' }, keyVersion: 7, timestampDelta: 0 }],
      },
    ]);
    const [plain] = decodeCommitted(data, [], { topic: 't', partition: 3, fromOffset: 0 }).records;
    const [withId] = decodeCommitted(data, [], {
      topic: 't',
      partition: 3,
      fromOffset: 0,
      withTxnIds: true,
    }).records;
    expect(plain.txnId).toBeUndefined();
    expect(withId.txnId).toBe('txn-1');
    expect(Object.keys(withId)).not.toContain('txnId');
    expect(withId).toEqual(plain);
  });

  it('refuses a batch it cannot decompress with UNSUPPORTED_RECORD_BATCH, naming where and what', () => {
    const { data } = build([
      {
        kind: 'data',
        producer: 0,
        transactional: false,
        gzip: true,
        gap: 0,
        records: [{ key: 'a', value: Buffer.from('1'), headers: {}, keyVersion: 1, timestampDelta: 0 }],
      },
    ]);
    for (const codec of [4, 6]) {
      const bad = Buffer.from(data);
      bad.writeInt16BE((bad.readInt16BE(21) & ~0x07) | codec, 21); // zstd (gzip bytes inside), then no such codec
      expect(() => decodeCommitted(bad, [], { topic: 't', partition: 3, fromOffset: 0 })).toThrow(
        expect.objectContaining({
          code: 'UNSUPPORTED_RECORD_BATCH',
          details: expect.objectContaining({ topic: 't', partition: 3, offset: 0 }),
        }),
      );
    }
  });
});
