import { PartitionAssignor } from '../consumer-group';
import { TopicPartition } from '../record';
import {
  compareTopicPartitions,
  emptyAssignment,
  partitionKey,
  sortMembers,
  sortPartitions,
} from './partition-order';

/**
 * Kafka's StickyAssignor (the "constrained" path of AbstractStickyAssignor, taken when all members
 * subscribe to the same topics): the result is balanced (max - min ≤ 1) and each member keeps as
 * many of its previous partitions as its quota allows, so a rebalance moves as few partitions as
 * possible and projections re-read as little as possible.
 *
 * Quotas: every member gets `floor(P/M)`; `P % M` members get one more. Members keep previous
 * partitions up to their quota (the first ones with spare partitions take the larger quotas), then
 * the partitions nobody kept fill the members below quota, round-robin.
 *
 * @example
 * const next = new StickyAssignor().assign(['a', 'b', 'c'], partitions, previousAssignment);
 */
export class StickyAssignor implements PartitionAssignor {
  readonly name = 'sticky' as const;

  assign(
    members: readonly string[],
    partitions: readonly TopicPartition[],
    previous: ReadonlyMap<string, readonly TopicPartition[]>,
  ): Map<string, TopicPartition[]> {
    const sorted = sortMembers(members);
    const result = emptyAssignment(sorted);
    if (sorted.length === 0) return result;
    const all = sortPartitions(partitions);
    const minQuota = Math.floor(all.length / sorted.length);
    const expectedOverMin = all.length % sorted.length;
    const existing = new Set(all.map(partitionKey));
    const taken = new Set<string>();
    let overMin = 0;

    for (const member of sorted) {
      // A partition claimed twice in `previous` (not possible from a consistent store) goes to the first claimer.
      const owned = sortPartitions(previous.get(member) ?? []).filter(
        (tp) => existing.has(partitionKey(tp)) && !taken.has(partitionKey(tp)),
      );
      let keep = owned.length;
      if (owned.length > minQuota) {
        keep = overMin < expectedOverMin ? minQuota + 1 : minQuota;
        if (keep > minQuota) overMin++;
      }
      const kept = owned.slice(0, keep);
      kept.forEach((tp) => taken.add(partitionKey(tp)));
      result.set(member, kept);
    }

    const unassigned = all.filter((tp) => !taken.has(partitionKey(tp)));
    let next = 0;
    let below = sorted.filter((m) => result.get(m)!.length < minQuota);
    while (below.length > 0 && next < unassigned.length) {
      for (const member of below) {
        if (next < unassigned.length) result.get(member)!.push(unassigned[next++]);
      }
      below = below.filter((m) => result.get(m)!.length < minQuota);
    }
    // What is left is exactly what the "+1" quotas still lack.
    for (const member of sorted) {
      if (next >= unassigned.length) break;
      if (result.get(member)!.length === minQuota) result.get(member)!.push(unassigned[next++]);
    }
    for (const list of result.values()) list.sort(compareTopicPartitions);
    return result;
  }
}
