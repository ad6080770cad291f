import type Database from 'better-sqlite3';
import { GroupDescription, PartitionLag } from '@eventline/core';
import { TopicCatalog } from '../topic-catalog';
import { GroupStore, StoredGroup } from './group-store';
import { OffsetStore } from './offset-store';

interface PartitionRow {
  partition: number;
  begin_offset: number;
  end_offset: number;
}

/** What `eventline groups describe` shows: members, their partitions, and lag per partition. */
export class GroupDescriber {
  private readonly partitions: Database.Statement<[number]>;

  constructor(
    db: Database.Database,
    private readonly store: GroupStore,
    private readonly offsets: OffsetStore,
    private readonly catalog: TopicCatalog,
  ) {
    this.partitions = db.prepare(
      'SELECT partition, begin_offset, end_offset FROM partitions WHERE topic_id = ? ORDER BY partition',
    );
  }

  /** Call inside one read transaction, so members, offsets and log ends are one snapshot. */
  describe(group: StoredGroup): GroupDescription {
    const members = this.store.members(group.groupId).map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      partitions: m.partitions,
      lastHeartbeat: m.lastHeartbeat,
    }));
    return {
      groupId: group.groupId,
      generation: group.generation,
      state: members.length > 0 ? 'Stable' : 'Empty',
      assignor: group.assignor,
      topics: group.topics,
      members,
      lag: group.topics.flatMap((topic) => this.lagOf(group.groupId, topic)),
    };
  }

  private lagOf(groupId: string, topic: string): PartitionLag[] {
    const stored = this.catalog.find(topic);
    if (!stored) return [];
    const committed = new Map(this.offsets.fetch(groupId, topic).map((c) => [c.partition, c.offset]));
    return (this.partitions.all(stored.id) as PartitionRow[]).map((p) => {
      const committedOffset = committed.get(p.partition) ?? null;
      // Without a commit a new member starts at the log start, so that is what is still to read.
      const from = committedOffset ?? p.begin_offset;
      return {
        topic,
        partition: p.partition,
        committedOffset,
        endOffset: p.end_offset,
        lag: Math.max(0, p.end_offset - from),
      };
    });
  }
}
