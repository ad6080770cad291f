import { DEFAULT_TOPIC_CONFIG } from '@eventline/core';
import { ContractContext } from './event-log-contract';
import { expectCode } from './contract-helpers';

export function topicContract(ctx: ContractContext): void {
  it('creates a topic with defaults and describes it', async () => {
    const name = ctx.topicName('create');
    await ctx.log().createTopics([{ name, partitions: 3 }]);
    const described = await ctx.log().describeTopic(name);
    expect(described).toEqual({ name, partitions: 3, config: DEFAULT_TOPIC_CONFIG, keyIndex: false });
    expect((await ctx.log().listTopics()).map((t) => t.name)).toContain(name);
    expect(await ctx.log().offsets(name)).toEqual(
      [0, 1, 2].map((partition) => ({ topic: name, partition, beginOffset: 0, endOffset: 0 })),
    );
  });

  it('keeps per-topic configuration', async () => {
    const name = ctx.topicName('config');
    const config = { cleanupPolicy: 'compact' as const, minCompactionLagMs: 5, deleteRetentionMs: 7 };
    await ctx.log().createTopics([{ name, partitions: 1, config }]);
    expect((await ctx.log().describeTopic(name)).config).toMatchObject(config);
  });

  it('keeps keyIndex and treats another keyIndex as a conflicting spec', async () => {
    const name = ctx.topicName('key-index');
    await ctx.log().createTopics([{ name, partitions: 2, keyIndex: true }]);
    expect(await ctx.log().describeTopic(name)).toMatchObject({ name, partitions: 2, keyIndex: true });
    await expectCode(ctx.log().createTopics([{ name, partitions: 2 }]), 'TOPIC_ALREADY_EXISTS');
    await expectCode(
      ctx
        .log()
        .createTopics([{ name: ctx.topicName('key-index-bad'), partitions: 1, keyIndex: 'yes' as never }]),
      'INVALID_CONFIG',
    );
  });

  it('accepts the same spec twice and refuses a conflicting one', async () => {
    const name = ctx.topicName('twice');
    await ctx.log().createTopics([{ name, partitions: 2 }]);
    await ctx.log().createTopics([{ name, partitions: 2 }]);
    await expectCode(ctx.log().createTopics([{ name, partitions: 4 }]), 'TOPIC_ALREADY_EXISTS');
    expect((await ctx.log().describeTopic(name)).partitions).toBe(2);
  });

  it.each([
    ['an illegal name', { name: 'bad name!', partitions: 1 }],
    ['zero partitions', { name: 'ok-name', partitions: 0 }],
    ['fractional partitions', { name: 'ok-name', partitions: 1.5 }],
    ['an unknown cleanup policy', { name: 'ok-name', partitions: 1, config: { cleanupPolicy: 'shred' } }],
    ['a negative retention', { name: 'ok-name', partitions: 1, config: { retentionMs: -5 } }],
  ])('rejects %s with INVALID_CONFIG and creates nothing', async (_label, spec) => {
    const name = ctx.topicName('invalid');
    const valid = { name, partitions: 1 };
    // A valid spec in the same call must not be created either: the call is all or nothing.
    await expectCode(ctx.log().createTopics([valid, spec as never]), 'INVALID_CONFIG');
    await expectCode(ctx.log().describeTopic(name), 'UNKNOWN_TOPIC');
  });

  it('reports an unknown topic everywhere with UNKNOWN_TOPIC', async () => {
    const name = ctx.topicName('missing');
    await expectCode(ctx.log().describeTopic(name), 'UNKNOWN_TOPIC');
    await expectCode(ctx.log().offsets(name), 'UNKNOWN_TOPIC');
    await expectCode(ctx.log().read(name, 0, 0), 'UNKNOWN_TOPIC');
    await expectCode(
      ctx.log().append({ records: [{ topic: name, key: 'k', value: null }] }),
      'UNKNOWN_TOPIC',
    );
  });
}
