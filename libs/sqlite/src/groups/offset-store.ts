import type Database from 'better-sqlite3';
import { CommittedOffset } from '@eventline/core';
import { ValidCommit } from './group-request';

interface OffsetRow {
  topic: string;
  partition: number;
  offset: number;
  metadata: string | null;
}

/** Committed offsets per group/topic/partition: the "next offset to read", as Kafka stores them. */
export class OffsetStore {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      upsert: db.prepare(
        `INSERT INTO group_offsets (group_id, topic, partition, offset, metadata, committed_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (group_id, topic, partition) DO UPDATE SET offset = excluded.offset, metadata = excluded.metadata,
         committed_at = excluded.committed_at`,
      ),
      all: db.prepare(
        'SELECT topic, partition, offset, metadata FROM group_offsets WHERE group_id = ? ORDER BY topic, partition',
      ),
      ofTopic: db.prepare(
        'SELECT topic, partition, offset, metadata FROM group_offsets WHERE group_id = ? AND topic = ? ORDER BY partition',
      ),
    };
  }

  commit(groupId: string, commit: ValidCommit, now: number): void {
    this.s.upsert.run(groupId, commit.topic, commit.partition, commit.offset, commit.metadata, now);
  }

  fetch(groupId: string, topic?: string): CommittedOffset[] {
    const rows = (
      topic === undefined ? this.s.all.all(groupId) : this.s.ofTopic.all(groupId, topic)
    ) as OffsetRow[];
    return rows.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      metadata: r.metadata,
    }));
  }
}
