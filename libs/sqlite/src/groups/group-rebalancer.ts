import { TopicPartition, assignorFor } from '@eventline/core';
import { TopicCatalog } from '../topic-catalog';
import { GroupStore, StoredGroup } from './group-store';

/**
 * Starts a new generation and recomputes every member's partitions. Runs inside the caller's
 * IMMEDIATE transaction, so all processes see generation and assignment change together.
 */
export class GroupRebalancer {
  constructor(
    private readonly store: GroupStore,
    private readonly catalog: TopicCatalog,
  ) {}

  rebalance(group: StoredGroup): StoredGroup {
    const generation = group.generation + 1;
    this.store.setGeneration(group.groupId, generation);
    const members = this.store.members(group.groupId);
    if (members.length > 0) {
      // The stored assignment is the previous one the sticky assignor keeps; the others ignore it.
      const previous = new Map(members.map((m) => [m.memberId, m.partitions]));
      const assignment = assignorFor(group.assignor).assign(
        members.map((m) => m.memberId),
        this.partitionsOf(group.topics),
        previous,
      );
      for (const m of members)
        this.store.setAssignment(group.groupId, m.memberId, assignment.get(m.memberId) ?? []);
    }
    return { ...group, generation };
  }

  /** Expires members whose session ran out and rebalances if any did. */
  expire(group: StoredGroup, now: number): StoredGroup {
    return this.store.removeExpired(group.groupId, now) > 0 ? this.rebalance(group) : group;
  }

  private partitionsOf(topics: readonly string[]): TopicPartition[] {
    return topics.flatMap((topic) => {
      const count = this.catalog.find(topic)?.partitions ?? 0;
      return Array.from({ length: count }, (_, partition) => ({ topic, partition }));
    });
  }
}
