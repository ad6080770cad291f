import {
  GroupNotFoundError,
  InconsistentGroupProtocolError,
  PartitionNotAssignedError,
  TopicPartition,
} from '@eventline/core';
import { ContractContext } from './event-log-contract';
import { endOffsets, expectCode, text } from './contract-helpers';

const sorted = (ps: readonly TopicPartition[]): string[] => ps.map((p) => `${p.topic}/${p.partition}`).sort();

export function groupContract(ctx: ContractContext): void {
  const setup = async (hint: string, partitions = 4): Promise<{ topic: string; groupId: string }> => {
    const topic = ctx.topicName(hint);
    await ctx.log().createTopics([{ name: topic, partitions }]);
    return { topic, groupId: ctx.topicName(`${hint}-group`) };
  };

  it('gives a lone member every partition, then splits them when a second joins', async () => {
    const { topic, groupId } = await setup('split');
    const all = [0, 1, 2, 3].map((partition) => `${topic}/${partition}`);
    const a = await ctx.log().joinGroup({ groupId, topics: [topic], sessionTimeoutMs: 30_000 });
    expect(sorted(a.partitions)).toEqual(all);

    const b = await ctx.log().joinGroup({ groupId, topics: [topic], sessionTimeoutMs: 30_000 });
    expect(b.generation).toBeGreaterThan(a.generation);
    const aNow = await ctx.log().heartbeat(groupId, a.memberId, a.generation);
    expect(aNow.rebalanced).toBe(true);
    expect(aNow.generation).toBe(b.generation);
    expect(sorted([...aNow.partitions, ...b.partitions])).toEqual(all);
    expect(aNow.partitions).toHaveLength(2);
    expect(b.partitions).toHaveLength(2);

    await ctx.log().leaveGroup(groupId, b.memberId);
    const alone = await ctx.log().heartbeat(groupId, a.memberId, aNow.generation);
    expect(alone.rebalanced).toBe(true);
    expect(sorted(alone.partitions)).toEqual(all);
    await ctx.log().leaveGroup(groupId, a.memberId);
  });

  it('commits offsets per partition, fences stale generations and shows lag', async () => {
    const { topic, groupId } = await setup('commit', 2);
    await ctx.log().append({
      records: Array.from({ length: 10 }, (_, i) => ({
        topic,
        key: null,
        value: text(`${i}`),
        partition: i % 2,
      })),
    });
    const a = await ctx.log().joinGroup({ groupId, topics: [topic], sessionTimeoutMs: 30_000 });
    await ctx.log().commitOffsets(groupId, a.memberId, a.generation, [{ topic, partition: 0, offset: 3 }]);
    expect(await ctx.log().fetchOffsets(groupId, topic)).toEqual([
      { topic, partition: 0, offset: 3, metadata: null },
    ]);

    const b = await ctx.log().joinGroup({ groupId, topics: [topic], sessionTimeoutMs: 30_000 });
    // a's generation is now stale: its commit must not land, whatever partition it names.
    await expectCode(
      ctx.log().commitOffsets(groupId, a.memberId, a.generation, [{ topic, partition: 0, offset: 5 }]),
      'ILLEGAL_GENERATION',
    );
    expect((await ctx.log().fetchOffsets(groupId, topic))[0].offset).toBe(3);

    const description = await ctx.log().describeGroup(groupId);
    expect(description.generation).toBe(b.generation);
    expect(description.members.map((m) => m.memberId).sort()).toEqual([a.memberId, b.memberId].sort());
    // Lag = end offset − committed offset (or the log start without a commit). Kafka's end offsets
    // also count transaction markers, so compare with the log's own end offsets, not record counts.
    const ends = await endOffsets(ctx.log(), topic);
    const lag = Object.fromEntries(description.lag.map((l) => [l.partition, l.lag]));
    expect(lag).toEqual({ 0: ends[0] - 3, 1: ends[1] });
    expect(ends[0]).toBeGreaterThanOrEqual(5);
    expect(await ctx.log().listGroups()).toContain(groupId);
  });

  it('refuses a member that is not in the group', async () => {
    const { topic, groupId } = await setup('unknown-member', 1);
    const a = await ctx.log().joinGroup({ groupId, topics: [topic], sessionTimeoutMs: 30_000 });
    await ctx.log().leaveGroup(groupId, a.memberId);
    await expectCode(ctx.log().heartbeat(groupId, a.memberId, a.generation), 'UNKNOWN_MEMBER_ID');
    await expectCode(
      ctx.log().commitOffsets(groupId, a.memberId, a.generation, [{ topic, partition: 0, offset: 1 }]),
      'UNKNOWN_MEMBER_ID',
    );
  });

  it('refuses a commit for a partition the member does not own, and a member with another protocol', async () => {
    const { topic, groupId } = await setup('fences', 2);
    const a = await ctx.log().joinGroup({ groupId, topics: [topic], sessionTimeoutMs: 30_000 });
    const b = await ctx.log().joinGroup({ groupId, topics: [topic], sessionTimeoutMs: 30_000 });
    const mine = await ctx.log().heartbeat(groupId, a.memberId, a.generation);
    const theirs = b.partitions[0];
    const error = await expectCode(
      ctx.log().commitOffsets(groupId, a.memberId, mine.generation, [{ ...theirs, offset: 1 }]),
      'PARTITION_NOT_ASSIGNED',
    );
    expect(error).toBeInstanceOf(PartitionNotAssignedError);
    expect(await ctx.log().fetchOffsets(groupId, topic)).toEqual([]);
    const other = await expectCode(
      ctx.log().joinGroup({ groupId, topics: [topic], assignor: 'roundrobin', sessionTimeoutMs: 30_000 }),
      'INCONSISTENT_GROUP_PROTOCOL',
    );
    expect(other).toBeInstanceOf(InconsistentGroupProtocolError);
    expect((await ctx.log().describeGroup(groupId)).members).toHaveLength(2);
    await ctx.log().leaveGroup(groupId, a.memberId);
    await ctx.log().leaveGroup(groupId, b.memberId);
  });

  it('describes an unknown group as GROUP_NOT_FOUND', async () => {
    const error = await expectCode(ctx.log().describeGroup(ctx.topicName('no-group')), 'GROUP_NOT_FOUND');
    expect(error).toBeInstanceOf(GroupNotFoundError);
  });

  it('rejects joining with an unknown topic', async () => {
    await expectCode(
      ctx.log().joinGroup({ groupId: ctx.topicName('g'), topics: [ctx.topicName('absent')] }),
      'UNKNOWN_TOPIC',
    );
  });
}
