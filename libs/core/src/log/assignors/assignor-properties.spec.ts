import fc from 'fast-check';
import { TopicPartition } from '../record';
import { PartitionAssignor } from '../consumer-group';
import { RangeAssignor } from './range-assignor';
import { RoundRobinAssignor } from './round-robin-assignor';
import { StickyAssignor } from './sticky-assignor';
import { assignorFor } from './assignor-for';
import { InvalidConfigError } from '../../errors';

const memberIds = fc.uniqueArray(fc.stringMatching(/^[a-z]{1,4}-[0-9]{1,2}$/), { maxLength: 9 });
const topicPartitions = fc
  .uniqueArray(
    fc.record({ topic: fc.stringMatching(/^[a-zA-Z0-9._-]{1,6}$/), count: fc.integer({ min: 1, max: 12 }) }),
    {
      minLength: 1,
      maxLength: 4,
      selector: (t) => t.topic,
    },
  )
  .map((topics) =>
    topics.flatMap(({ topic, count }) =>
      Array.from({ length: count }, (_, partition) => ({ topic, partition })),
    ),
  );

const key = (tp: TopicPartition): string => `${tp.topic}/${tp.partition}`;

function owners(assignment: Map<string, TopicPartition[]>): Map<string, string[]> {
  const byPartition = new Map<string, string[]>();
  for (const [member, partitions] of assignment) {
    for (const tp of partitions) byPartition.set(key(tp), [...(byPartition.get(key(tp)) ?? []), member]);
  }
  return byPartition;
}

function spread(counts: number[]): number {
  return counts.length === 0 ? 0 : Math.max(...counts) - Math.min(...counts);
}

const shuffled = <T>(items: readonly T[]): fc.Arbitrary<T[]> =>
  fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });

describe.each<[string, PartitionAssignor]>([
  ['range', new RangeAssignor()],
  ['roundrobin', new RoundRobinAssignor()],
  ['sticky', new StickyAssignor()],
])('%s assignor properties', (_name, assignor) => {
  it('assigns every partition to exactly one member, and only to the members asked for', () => {
    fc.assert(
      fc.property(memberIds, topicPartitions, (members, partitions) => {
        const result = assignor.assign(members, partitions, new Map());
        expect([...result.keys()].sort()).toEqual([...members].sort());
        const byPartition = owners(result);
        if (members.length === 0) return;
        expect([...byPartition.keys()].sort()).toEqual(partitions.map(key).sort());
        for (const list of byPartition.values()) expect(list).toHaveLength(1);
      }),
    );
  });

  it('is balanced (per topic for range, overall for the others)', () => {
    fc.assert(
      fc.property(memberIds, topicPartitions, (members, partitions) => {
        const result = assignor.assign(members, partitions, new Map());
        const topics = assignor.name === 'range' ? [...new Set(partitions.map((p) => p.topic))] : [null];
        for (const topic of topics) {
          const counts = [...result.values()].map(
            (ps) => ps.filter((p) => topic === null || p.topic === topic).length,
          );
          expect(spread(counts)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('is deterministic: input order does not matter', () => {
    fc.assert(
      fc.property(
        memberIds.chain((m) => fc.tuple(fc.constant(m), shuffled(m))),
        topicPartitions.chain((p) => fc.tuple(fc.constant(p), shuffled(p))),
        ([members, members2], [partitions, partitions2]) => {
          const previous = assignor.assign(members.slice(1), partitions, new Map());
          const a = assignor.assign(members, partitions, previous);
          const b = assignor.assign(members2, partitions2, previous);
          expect([...b.entries()].sort()).toEqual([...a.entries()].sort());
        },
      ),
    );
  });
});

describe('sticky assignor: stickiness', () => {
  const sticky = new StickyAssignor();

  it('when a member joins, every partition not handed to the newcomer keeps its owner', () => {
    fc.assert(
      fc.property(memberIds, topicPartitions, (members, partitions) => {
        fc.pre(members.length >= 2);
        const [newcomer, ...old] = members;
        const before = sticky.assign(old, partitions, new Map());
        const after = sticky.assign(members, partitions, before);
        const ownerBefore = owners(before);
        for (const member of old) {
          for (const tp of after.get(member)!) expect(ownerBefore.get(key(tp))).toEqual([member]);
        }
        // So exactly the newcomer's share moved: floor or ceil of P/M, nothing more.
        const share = partitions.length / members.length;
        expect([Math.floor(share), Math.ceil(share)]).toContain(after.get(newcomer)!.length);
        expect(spread([...after.values()].map((ps) => ps.length))).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('when a member leaves, the survivors keep all they had', () => {
    fc.assert(
      fc.property(memberIds, topicPartitions, fc.nat(), (members, partitions, pick) => {
        fc.pre(members.length >= 2);
        const before = sticky.assign(members, partitions, new Map());
        const leaver = members[pick % members.length];
        const survivors = members.filter((m) => m !== leaver);
        const after = sticky.assign(survivors, partitions, before);
        for (const member of survivors) {
          expect(after.get(member)).toEqual(expect.arrayContaining(before.get(member)!));
        }
        expect(spread([...after.values()].map((ps) => ps.length))).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('stays complete and balanced whatever (even inconsistent) previous assignment it is given', () => {
    const garbage = fc.array(
      fc.tuple(
        fc.stringMatching(/^[a-z]{1,4}-[0-9]{1,2}$/),
        fc.array(fc.record({ topic: fc.constantFrom('a', 'b', 'zz'), partition: fc.nat(14) })),
      ),
    );
    fc.assert(
      fc.property(memberIds, topicPartitions, garbage, (members, partitions, previous) => {
        fc.pre(members.length > 0);
        const result = sticky.assign(members, partitions, new Map(previous));
        const byPartition = owners(result);
        expect([...byPartition.keys()].sort()).toEqual(partitions.map(key).sort());
        for (const list of byPartition.values()) expect(list).toHaveLength(1);
        expect(spread([...result.values()].map((ps) => ps.length))).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('assignorFor', () => {
  it('names the three Kafka assignors', () => {
    expect(assignorFor('range')).toBeInstanceOf(RangeAssignor);
    expect(assignorFor('roundrobin')).toBeInstanceOf(RoundRobinAssignor);
    expect(assignorFor('sticky')).toBeInstanceOf(StickyAssignor);
  });

  it('rejects anything else with InvalidConfigError', () => {
    expect(() => assignorFor('cooperative-sticky')).toThrow(InvalidConfigError);
    expect(() => assignorFor('toString')).toThrow(InvalidConfigError);
  });
});
