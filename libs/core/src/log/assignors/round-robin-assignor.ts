import { PartitionAssignor } from '../consumer-group';
import { TopicPartition } from '../record';
import { emptyAssignment, sortMembers, sortPartitions } from './partition-order';

/**
 * Kafka's RoundRobinAssignor: all topic-partitions, sorted by topic then partition, dealt to the
 * sorted members in turn. Balanced across topics (max - min ≤ 1) when all members subscribe
 * to the same topics, which a group here always does.
 *
 * @example
 * new RoundRobinAssignor().assign(['a', 'b'], partitionsOfTwoTopics, new Map());
 */
export class RoundRobinAssignor implements PartitionAssignor {
  readonly name = 'roundrobin' as const;

  assign(
    members: readonly string[],
    partitions: readonly TopicPartition[],
    _previous?: ReadonlyMap<string, readonly TopicPartition[]>,
  ): Map<string, TopicPartition[]> {
    const sorted = sortMembers(members);
    const result = emptyAssignment(sorted);
    if (sorted.length === 0) return result;
    sortPartitions(partitions).forEach((tp, i) => result.get(sorted[i % sorted.length])!.push(tp));
    return result;
  }
}
