import fc from 'fast-check';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CleanupPolicy } from '@eventline/core';
import { SqliteEventLog } from '@eventline/sqlite';
import { CleanerConfig, LogModel, ModelRemovals } from './cleaner-model';

type Op =
  | {
      readonly kind: 'append';
      readonly key: string | null;
      readonly tombstone: boolean;
      /** Explicit partition (moves a key away from its murmur2 partition), or the partitioner's. */
      readonly partition: number | undefined;
      /** Explicit timestamp relative to now (out of order on purpose), or the clock's. */
      readonly timestampShift: number | undefined;
      readonly advance: number;
    }
  | { readonly kind: 'clean'; readonly advance: number };

const ms = (max: number): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(-1, 0) },
    { weight: 4, arbitrary: fc.integer({ min: 1, max: max }) },
  );

/** Mostly small steps, so cleans often land exactly on a lag, retention or tombstone boundary. */
const advance = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 60 }));

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      key: fc.oneof(
        { weight: 9, arbitrary: fc.constantFrom('a', 'b', 'c', 'd') },
        { weight: 1, arbitrary: fc.constant(null) },
      ),
      tombstone: fc.boolean(),
      partition: fc.option(fc.nat(2), { freq: 5, nil: undefined }),
      timestampShift: fc.option(fc.integer({ min: -60, max: 20 }), { freq: 6, nil: undefined }),
      advance,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('clean' as const), advance }),
  },
);

/**
 * Random appends and cleans against the plain model of cleaner-model.ts; after every clean the
 * log, its offsets and the clean's stats must be exactly what the model says.
 */
let run = 0;

export function cleanerMatchesModel(
  dir: string,
  policies: readonly CleanupPolicy[],
  numRuns: number,
): Promise<void> {
  return fc.assert(
    fc.asyncProperty(
      fc.record({
        cleanupPolicy: fc.constantFrom(...policies),
        retentionMs: ms(150),
        minCompactionLagMs: ms(60),
        deleteRetentionMs: ms(60),
      }),
      fc.integer({ min: 1, max: 3 }),
      fc.array(op, { minLength: 1, maxLength: 40 }),
      fc.oneof(advance, fc.integer({ min: 0, max: 300 })),
      fc.integer({ min: 1, max: 5 }),
      async (config, partitions, ops, finalAdvance, chunkSize) => {
        let now = 1_000_000;
        const file = join(dir, `property-${run++}.db`);
        const log = SqliteEventLog.open({ file, clock: () => now });
        try {
          log.cleaner.configure({ chunkSize });
          await log.createTopics([{ name: 't', partitions, config }]);
          const model = new LogModel(partitions, config);
          let i = 0;
          for (const o of [...ops, { kind: 'clean' as const, advance: finalAdvance }]) {
            now += o.advance;
            if (o.kind === 'clean') {
              await cleanAndCompare(log, model, config, now);
              continue;
            }
            const timestamp = o.timestampShift === undefined ? undefined : now + o.timestampShift;
            if (o.key === null && config.cleanupPolicy !== 'delete') {
              // Compacted topics refuse unkeyed records (as Kafka does): nothing is written.
              await expect(
                log.append({ records: [{ topic: 't', key: null, value: Buffer.from('x'), timestamp }] }),
              ).rejects.toMatchObject({ code: 'KEY_REQUIRED' });
              continue;
            }
            const value = o.tombstone ? null : `v${i++}`;
            const { records } = await log.append({
              records: [
                {
                  topic: 't',
                  key: o.key,
                  value: value === null ? null : Buffer.from(value),
                  partition: o.partition === undefined ? undefined : o.partition % partitions,
                  timestamp,
                },
              ],
            });
            model.append(records[0].partition, o.key, value, timestamp ?? now);
            expect(records[0].offset).toBe(model.ends[records[0].partition] - 1);
          }
        } finally {
          await log.close();
          for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
        }
      },
    ),
    { numRuns },
  );
}

async function cleanAndCompare(
  log: SqliteEventLog,
  model: LogModel,
  config: CleanerConfig,
  now: number,
): Promise<void> {
  const expected: ModelRemovals = model.clean(now);
  const stats = await log.clean('t');
  expect(stats.removed).toEqual(expected);
  expect(stats.recordsRemoved).toBe(expected.superseded + expected.tombstones + expected.retention);
  expect(stats.interrupted).toBe(false);

  const offsets = await log.offsets('t');
  expect(offsets.map((o) => [o.beginOffset, o.endOffset])).toEqual(
    model.begins.map((b, p) => [b, model.ends[p]]),
  );
  for (let p = 0; p < model.ends.length; p++) {
    const stored = await log.read('t', p, 0, {
      maxRecords: 10_000,
      maxBytes: 10_000_000,
      autoOffsetReset: 'earliest',
    });
    expect(stored.map(view)).toEqual(model.partition(p).map(view));
    if (config.cleanupPolicy === 'delete') {
      expect(stored[0]?.offset ?? offsets[p].endOffset).toBe(offsets[p].beginOffset);
    }
  }
  for (const key of model.keys()) {
    const byKey = await log.readKey('t', key);
    const expectedByKey = model.records
      .filter((r) => r.key === key)
      .sort((a, b) => a.keyVersion! - b.keyVersion!)
      .map(view);
    expect(byKey.map(view)).toEqual(expectedByKey);
  }
}

function view(r: {
  partition: number;
  offset: number;
  key: string | null;
  value: Buffer | string | null;
  timestamp: number;
  keyVersion: number | null;
}): unknown[] {
  return [
    r.partition,
    r.offset,
    r.key,
    r.value === null ? null : r.value.toString(),
    r.timestamp,
    r.keyVersion,
  ];
}
