import { partitionForKey } from '@eventline/core';
import { ContractContext } from './event-log-contract';
import { endOffsets, expectCode, readAll, text } from './contract-helpers';

export function appendReadContract(ctx: ContractContext): void {
  const topic = async (
    hint: string,
    partitions = 4,
    maxMessageBytes?: number,
    keyIndex?: boolean,
  ): Promise<string> => {
    const name = ctx.topicName(hint);
    await ctx
      .log()
      .createTopics([
        { name, partitions, config: maxMessageBytes ? { maxMessageBytes } : undefined, keyIndex },
      ]);
    return name;
  };

  it('places keyed records by murmur2 and gives dense offsets per partition', async () => {
    const name = await topic('keyed', 4);
    const keys = Array.from({ length: 40 }, (_, i) => `account-${i}`);
    const { records } = await ctx.log().append({
      records: keys.map((key) => ({ topic: name, key, value: text(`v-${key}`), headers: { h: key } })),
    });
    expect(records.map((r) => r.partition)).toEqual(keys.map((k) => partitionForKey(k, 4)));
    for (let p = 0; p < 4; p++) {
      const offsets = records.filter((r) => r.partition === p).map((r) => r.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
    const stored = await readAll(ctx.log(), name);
    expect(stored).toHaveLength(40);
    for (const r of stored) {
      expect(r.value?.toString()).toBe(`v-${r.key}`);
      expect(r.headers).toEqual({ h: r.key });
      expect(r.partition).toBe(partitionForKey(r.key as string, 4));
      expect(r.keyVersion).toBe(1);
    }
  });

  it('spreads unkeyed records round-robin and honours an explicit partition', async () => {
    const name = await topic('unkeyed', 3);
    const { records } = await ctx.log().append({
      records: Array.from({ length: 6 }, (_, i) => ({ topic: name, key: null, value: text(`${i}`) })),
    });
    expect(new Set(records.map((r) => r.partition))).toEqual(new Set([0, 1, 2]));
    expect(records.every((r) => r.keyVersion === null)).toBe(true);
    const explicit = await ctx
      .log()
      .append({ records: [{ topic: name, key: 'x', value: null, partition: 2 }] });
    expect(explicit.records[0].partition).toBe(2);
  });

  it('stores tombstones, timestamps and reads from any offset with a limit', async () => {
    const name = await topic('read', 1);
    await ctx.log().append({
      records: Array.from({ length: 10 }, (_, i) => ({
        topic: name,
        key: `k${i % 3}`,
        value: i === 9 ? null : text(`${i}`),
        timestamp: 1_000 + i,
      })),
    });
    const middle = await ctx.log().read(name, 0, 4, { maxRecords: 3 });
    expect(middle.map((r) => [r.offset, r.value?.toString(), r.timestamp])).toEqual([
      [4, '4', 1004],
      [5, '5', 1005],
      [6, '6', 1006],
    ]);
    const last = await ctx.log().read(name, 0, 9);
    expect(last).toHaveLength(1);
    expect(last[0].value).toBeNull();
    expect(await ctx.log().read(name, 0, 10)).toEqual([]);
    expect(await ctx.log().read(name, 0, 1_000)).toEqual([]);
  });

  it.each([
    ['without', false],
    ['with', true],
  ])(
    'numbers the records of each key and reads a key as a stream (%s keyIndex)',
    async (_label, keyIndex) => {
      const name = await topic('streams', 2, undefined, keyIndex);
      for (let i = 0; i < 5; i++) {
        await ctx.log().append({
          records: [
            { topic: name, key: 'a', value: text(`a${i}`) },
            { topic: name, key: 'b', value: text(`b${i}`) },
          ],
        });
      }
      const stream = await ctx.log().readKey(name, 'a', 2);
      expect(stream.map((r) => [r.keyVersion, r.value?.toString()])).toEqual([
        [3, 'a2'],
        [4, 'a3'],
        [5, 'a4'],
      ]);
      expect(await ctx.log().readKey(name, 'nobody')).toEqual([]);
      expect(await ctx.log().keyVersions(name, ['a', 'b', 'nobody'])).toEqual(
        new Map([
          ['a', 5],
          ['b', 5],
          ['nobody', 0],
        ]),
      );
    },
  );

  it('reads the latest record of a key in one call, whatever its history', async () => {
    const name = await topic('latest', 3);
    expect(await ctx.log().readLatest(name, 'a')).toBeNull();
    await ctx.log().append({
      records: [
        { topic: name, key: 'a', value: text('a1'), headers: { n: '1' } },
        { topic: name, key: 'b', value: text('b1') },
        { topic: name, key: 'a', value: text('a2'), headers: { n: '2' } },
      ],
    });
    const { records } = await ctx.log().append({ records: [{ topic: name, key: 'a', value: text('a3') }] });
    const latest = await ctx.log().readLatest(name, 'a');
    expect(latest).toMatchObject({
      topic: name,
      key: 'a',
      keyVersion: 3,
      partition: records[0].partition,
      offset: records[0].offset,
      headers: {},
    });
    expect(latest?.value?.toString()).toBe('a3');
    expect((await ctx.log().readLatest(name, 'b'))?.value?.toString()).toBe('b1');
    // A tombstone is a record too: the latest of a deleted key is its tombstone.
    await ctx.log().append({ records: [{ topic: name, key: 'b', value: null }] });
    expect(await ctx.log().readLatest(name, 'b')).toMatchObject({ key: 'b', value: null, keyVersion: 2 });
    // With an explicit partition the key's latest record is wherever it was written last.
    await ctx.log().append({ records: [{ topic: name, key: 'a', value: text('moved'), partition: 2 }] });
    expect(await ctx.log().readLatest(name, 'a')).toMatchObject({ partition: 2, keyVersion: 4 });
    expect(await ctx.log().readLatest(name, 'nobody')).toBeNull();
    await expectCode(ctx.log().readLatest(ctx.topicName('nope'), 'a'), 'UNKNOWN_TOPIC');
  });

  it('appends to several topics atomically and rejects the whole batch on one bad record', async () => {
    const first = await topic('atomic-a', 2);
    const second = await topic('atomic-b', 2, 100);
    const ok = await ctx.log().append({
      records: [
        { topic: first, key: 'k', value: text('1') },
        { topic: second, key: 'k', value: text('2') },
      ],
    });
    expect(ok.records.map((r) => r.topic)).toEqual([first, second]);
    const before = [await endOffsets(ctx.log(), first), await endOffsets(ctx.log(), second)];
    await expectCode(
      ctx.log().append({
        records: [
          { topic: first, key: 'k', value: text('fine') },
          { topic: second, key: 'k', value: Buffer.alloc(500) },
        ],
      }),
      'RECORD_TOO_LARGE',
    );
    await expectCode(
      ctx.log().append({
        records: [
          { topic: first, key: 'k', value: text('fine') },
          { topic: second, key: 'k', value: null, partition: 7 },
        ],
      }),
      'PARTITION_OUT_OF_RANGE',
    );
    await expectCode(ctx.log().append({ records: [] }), 'VALIDATION_FAILED');
    await expectCode(
      ctx.log().append({ records: [{ topic: first, key: 'k', value: 'not bytes' as never }] }),
      'VALIDATION_FAILED',
    );
    expect([await endOffsets(ctx.log(), first), await endOffsets(ctx.log(), second)]).toEqual(before);
  });

  it('rejects bad read arguments clearly', async () => {
    const name = await topic('bad-read', 2);
    await expectCode(ctx.log().read(name, 2, 0), 'PARTITION_OUT_OF_RANGE');
    await expectCode(ctx.log().read(name, -1, 0), 'PARTITION_OUT_OF_RANGE');
    await expectCode(ctx.log().read(name, 0, -1), 'VALIDATION_FAILED');
  });

  it('wakes a long-polling reader when a record arrives', async () => {
    const name = await topic('long-poll', 1);
    const started = Date.now();
    const pending = ctx.log().read(name, 0, 0, { maxWaitMs: 10_000 });
    setTimeout(
      () => void ctx.log().append({ records: [{ topic: name, key: 'k', value: text('late') }] }),
      50,
    );
    const records = await pending;
    expect(records.map((r) => r.value?.toString())).toEqual(['late']);
    expect(Date.now() - started).toBeLessThan(9_000);
    // An empty long poll returns empty after its wait.
    expect(await ctx.log().read(name, 0, 1, { maxWaitMs: 20 })).toEqual([]);
  });

  it('keeps every acknowledged record of many concurrent appends, offsets unique and dense', async () => {
    const name = await topic('concurrent', 3);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        ctx.log().append({ records: [{ topic: name, key: `k${i % 17}`, value: text(`${i}`) }] }),
      ),
    );
    const stored = await readAll(ctx.log(), name);
    expect(stored).toHaveLength(200);
    const acknowledged = results.map((r) => `${r.records[0].partition}:${r.records[0].offset}`);
    expect(new Set(acknowledged).size).toBe(200);
    expect(new Set(stored.map((r) => `${r.partition}:${r.offset}`))).toEqual(new Set(acknowledged));
  });
}
