import fc from 'fast-check';
import { SqliteEventLog } from './sqlite-event-log';

/**
 * The reader fetches rows in chunks sized from the bytes read so far; whatever the chunking, a read
 * must return exactly the records a row-by-row scan would: from `offset` on, in order, at most
 * maxRecords, stopping right after the record that reaches maxBytes.
 */
describe('log reader limits', () => {
  const log = SqliteEventLog.open({ file: ':memory:' });
  const sizes: number[] = [];
  beforeAll(async () => {
    await log.createTopics([{ name: 't', partitions: 1 }]);
    let seed = 7;
    for (let i = 0; i < 600; i += 1) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      // Mostly small values, now and then a big one (and a few tombstones).
      const size = i % 97 === 5 ? -1 : seed % 11 === 0 ? 5_000 + (seed % 3_000) : seed % 200;
      sizes.push(Math.max(0, size));
      await log.append({
        records: [{ topic: 't', key: `k${i}`, value: size < 0 ? null : Buffer.alloc(size, 1), partition: 0 }],
      });
    }
  });
  afterAll(() => log.close());

  it('returns what a row-by-row scan returns', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 650 }),
        fc.integer({ min: 1, max: 700 }),
        fc.integer({ min: 1, max: 200_000 }),
        async (offset, maxRecords, maxBytes) => {
          const read = await log.read('t', 0, offset, { maxRecords, maxBytes });
          const expected: number[] = [];
          let bytes = 0;
          for (let o = offset; o < sizes.length && expected.length < maxRecords; o += 1) {
            expected.push(o);
            bytes += sizes[o];
            if (bytes >= maxBytes) break;
          }
          expect(read.map((r) => r.offset)).toEqual(expected);
          expect(read.map((r) => r.value?.length ?? 0)).toEqual(expected.map((o) => sizes[o]));
        },
      ),
      { numRuns: 200 },
    );
  });
});
