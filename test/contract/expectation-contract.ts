import { ContractContext } from './event-log-contract';
import { endOffsets, expectCode, text } from './contract-helpers';

export function expectationContract(ctx: ContractContext): void {
  const topic = async (hint: string): Promise<string> => {
    const name = ctx.topicName(hint);
    await ctx.log().createTopics([{ name, partitions: 2 }]);
    return name;
  };

  it('appends when the key is at the expected version, refuses otherwise with nothing written', async () => {
    const name = await topic('expect');
    const other = await topic('expect-other');
    await ctx.log().append({
      records: [{ topic: name, key: 'acc', value: text('1') }],
      expectations: [{ topic: name, key: 'acc', version: 0 }],
    });
    const second = await ctx.log().append({
      records: [
        { topic: name, key: 'acc', value: text('2') },
        { topic: name, key: 'acc', value: text('3') },
      ],
      expectations: [{ topic: name, key: 'acc', version: 1 }],
    });
    expect(second.records.map((r) => r.keyVersion)).toEqual([2, 3]);
    const before = [await endOffsets(ctx.log(), name), await endOffsets(ctx.log(), other)];
    const error = await expectCode(
      ctx.log().append({
        records: [
          { topic: name, key: 'acc', value: text('stale') },
          { topic: other, key: 'x', value: text('side effect') },
        ],
        expectations: [{ topic: name, key: 'acc', version: 1 }],
      }),
      'CONCURRENCY_CONFLICT',
    );
    expect(error.details).toMatchObject({ expectedVersion: 1, actualVersion: 3 });
    expect([await endOffsets(ctx.log(), name), await endOffsets(ctx.log(), other)]).toEqual(before);
  });

  it('lets exactly one of many racing writers win each version', async () => {
    const name = await topic('race');
    for (let version = 0; version < 20; version++) {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, (_, writer) =>
          ctx.log().append({
            records: [{ topic: name, key: 'hot', value: text(`v${version}-w${writer}`) }],
            expectations: [{ topic: name, key: 'hot', version }],
          }),
        ),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const o of outcomes) {
        if (o.status === 'rejected') expect(o.reason.code).toBe('CONCURRENCY_CONFLICT');
      }
    }
    const stream = await ctx.log().readKey(name, 'hot');
    expect(stream.map((r) => r.keyVersion)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('rejects malformed expectations', async () => {
    const name = await topic('bad-expect');
    await expectCode(
      ctx.log().append({
        records: [{ topic: name, key: 'k', value: null }],
        expectations: [{ topic: name, key: 'k', version: -1 }],
      }),
      'VALIDATION_FAILED',
    );
    await expectCode(
      ctx.log().append({
        records: [{ topic: name, key: 'k', value: null }],
        expectations: [{ topic: ctx.topicName('nope'), key: 'k', version: 0 }],
      }),
      'UNKNOWN_TOPIC',
    );
  });
}
