import { PartitionAssignor } from '../consumer-group';
import { TopicPartition } from '../record';
import { emptyAssignment, sortMembers, sortPartitions } from './partition-order';

/**
 * Kafka's RangeAssignor: per topic, members (sorted) get contiguous ranges of partitions; when
 * the partitions do not divide evenly the first members get one extra. Co-partitioned topics
 * thus land on the same member, at the price of imbalance across many topics.
 *
 * @example
 * new RangeAssignor().assign(['a', 'b'], [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }, { topic: 't', partition: 2 }], new Map());
 * // a → t-0, t-1; b → t-2
 */
export class RangeAssignor implements PartitionAssignor {
  readonly name = 'range' as const;

  assign(
    members: readonly string[],
    partitions: readonly TopicPartition[],
    _previous?: ReadonlyMap<string, readonly TopicPartition[]>,
  ): Map<string, TopicPartition[]> {
    const sorted = sortMembers(members);
    const result = emptyAssignment(sorted);
    if (sorted.length === 0) return result;
    for (const topicPartitions of byTopic(sortPartitions(partitions))) {
      const perMember = Math.floor(topicPartitions.length / sorted.length);
      const extra = topicPartitions.length % sorted.length;
      sorted.forEach((member, i) => {
        const start = perMember * i + Math.min(i, extra);
        const length = perMember + (i < extra ? 1 : 0);
        result.get(member)!.push(...topicPartitions.slice(start, start + length));
      });
    }
    return result;
  }
}

function byTopic(sorted: readonly TopicPartition[]): TopicPartition[][] {
  const groups: TopicPartition[][] = [];
  for (const tp of sorted) {
    const last = groups[groups.length - 1];
    if (last && last[0].topic === tp.topic) last.push(tp);
    else groups.push([tp]);
  }
  return groups;
}
