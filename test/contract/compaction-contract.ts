import { ContractContext } from './event-log-contract';
import { endOffsets, expectCode, readAll, text } from './contract-helpers';

export function compactionContract(ctx: ContractContext): void {
  it('keeps the latest record of every key at its original offset, and drops expired tombstones', async () => {
    const topic = ctx.topicName('compact');
    await ctx.log().createTopics([
      {
        name: topic,
        partitions: 2,
        config: { cleanupPolicy: 'compact', minCompactionLagMs: 0, deleteRetentionMs: 0 },
      },
    ]);
    const keys = ['a', 'b', 'c', 'd', 'e'];
    for (let round = 0; round < 4; round++) {
      await ctx.log().append({ records: keys.map((key) => ({ topic, key, value: text(`${key}${round}`) })) });
    }
    await ctx.log().append({ records: [{ topic, key: 'e', value: null }] });
    const before = await readAll(ctx.log(), topic);
    const latest = new Map(before.map((r) => [r.key, r]));

    await ctx.factory.clean(ctx.log(), topic);

    const after = (await readAll(ctx.log(), topic)).filter((r) => r.key !== null && keys.includes(r.key));
    expect(after.map((r) => [r.key, r.partition, r.offset, r.value?.toString()])).toEqual(
      ['a', 'b', 'c', 'd']
        .map((k) => latest.get(k))
        .sort((x, y) => x!.partition - y!.partition || x!.offset - y!.offset)
        .map((r) => [r!.key, r!.partition, r!.offset, r!.value?.toString()]),
    );
    // The latest of every key is still one lookup away; the removed tombstone leaves the key empty.
    for (const key of ['a', 'b', 'c', 'd']) {
      expect((await ctx.log().readLatest(topic, key))?.offset).toBe(latest.get(key)?.offset);
    }
    expect(await ctx.log().readLatest(topic, 'e')).toBeNull();
    // Offsets never change: the end offsets stay where they were.
    const ends = (await ctx.log().offsets(topic)).map((o) => o.endOffset);
    expect(ends.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(before.length);
  });

  it('refuses unkeyed records on a compacted topic, nothing written', async () => {
    const topic = ctx.topicName('compact-unkeyed');
    await ctx.log().createTopics([{ name: topic, partitions: 1, config: { cleanupPolicy: 'compact' } }]);
    const error = await expectCode(
      ctx.log().append({
        records: [
          { topic, key: 'k', value: text('fine') },
          { topic, key: null, value: text('no key') },
        ],
      }),
      'KEY_REQUIRED',
    );
    expect(error.details).toMatchObject({ topic, index: 1 });
    expect(await endOffsets(ctx.log(), topic)).toEqual([0]);
  });

  it('fails a read below the log start offset unless it asks for the earliest record left', async () => {
    const topic = ctx.topicName('retention');
    await ctx.log().createTopics([{ name: topic, partitions: 1, config: { retentionMs: 60_000 } }]);
    const old = Date.now() - 3_600_000;
    await ctx.log().append({
      records: [0, 1, 2].map((i) => ({ topic, key: `old${i}`, value: text(`old${i}`), timestamp: old })),
    });
    await ctx.factory.clean(ctx.log(), topic);
    // Offsets are not dense on every engine (Kafka's commit markers take some): compare, do not count.
    const [{ beginOffset }] = await ctx.log().offsets(topic);
    expect(beginOffset).toBeGreaterThan(0);
    await ctx.log().append({ records: [{ topic, key: 'new', value: text('new') }] });
    const error = await expectCode(ctx.log().read(topic, 0, 0), 'OFFSET_OUT_OF_RANGE');
    expect(error.details).toMatchObject({ topic, partition: 0, offset: 0, beginOffset });
    const earliest = await ctx.log().read(topic, 0, 0, { autoOffsetReset: 'earliest' });
    expect(earliest.map((r) => r.value?.toString())).toEqual(['new']);
    expect(earliest[0].offset).toBeGreaterThanOrEqual(beginOffset);
    expect((await ctx.log().read(topic, 0, beginOffset)).map((r) => r.value?.toString())).toEqual(['new']);
  });
}
