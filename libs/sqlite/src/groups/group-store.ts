import type Database from 'better-sqlite3';
import { AssignorName, TopicPartition } from '@eventline/core';

export interface StoredGroup {
  readonly groupId: string;
  readonly generation: number;
  readonly assignor: AssignorName;
  readonly topics: readonly string[];
}

export interface StoredMember {
  readonly memberId: string;
  readonly clientId: string | null;
  readonly sessionTimeoutMs: number;
  readonly lastHeartbeat: number;
  readonly partitions: readonly TopicPartition[];
}

export interface NewMember {
  readonly memberId: string;
  readonly clientId: string | null;
  readonly sessionTimeoutMs: number;
}

interface GroupRow {
  group_id: string;
  generation: number;
  assignor: string;
  topics: string;
}

interface MemberRow {
  member_id: string;
  client_id: string | null;
  session_timeout_ms: number;
  last_heartbeat: number;
  assignment: string;
}

const MEMBER_COLUMNS = 'member_id, client_id, session_timeout_ms, last_heartbeat, assignment';

/**
 * Rows of consumer_groups and group_members behind prepared statements: heartbeats run every few
 * hundred ms per member, so nothing here is parsed or planned more than once per connection.
 * Callers hold the transaction; the store never opens one.
 */
export class GroupStore {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      group: db.prepare(
        'SELECT group_id, generation, assignor, topics FROM consumer_groups WHERE group_id = ?',
      ),
      insertGroup: db.prepare(
        'INSERT INTO consumer_groups (group_id, generation, assignor, topics) VALUES (?, 0, ?, ?)',
      ),
      setProtocol: db.prepare('UPDATE consumer_groups SET assignor = ?, topics = ? WHERE group_id = ?'),
      setGeneration: db.prepare('UPDATE consumer_groups SET generation = ? WHERE group_id = ?'),
      groupIds: db.prepare('SELECT group_id FROM consumer_groups ORDER BY group_id').pluck(),
      member: db.prepare(`SELECT ${MEMBER_COLUMNS} FROM group_members WHERE group_id = ? AND member_id = ?`),
      members: db.prepare(
        `SELECT ${MEMBER_COLUMNS} FROM group_members WHERE group_id = ? ORDER BY member_id`,
      ),
      memberCount: db.prepare('SELECT count(*) FROM group_members WHERE group_id = ?').pluck(),
      insertMember: db.prepare(
        `INSERT INTO group_members (group_id, member_id, client_id, session_timeout_ms, last_heartbeat, joined_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      refreshMember: db.prepare(
        `UPDATE group_members SET last_heartbeat = ?, session_timeout_ms = ?, client_id = ?
         WHERE group_id = ? AND member_id = ?`,
      ),
      touch: db.prepare('UPDATE group_members SET last_heartbeat = ? WHERE group_id = ? AND member_id = ?'),
      setAssignment: db.prepare(
        'UPDATE group_members SET assignment = ? WHERE group_id = ? AND member_id = ?',
      ),
      deleteMember: db.prepare('DELETE FROM group_members WHERE group_id = ? AND member_id = ?'),
      hasExpired: db
        .prepare(
          'SELECT EXISTS (SELECT 1 FROM group_members WHERE group_id = ? AND last_heartbeat + session_timeout_ms < ?)',
        )
        .pluck(),
      deleteExpired: db.prepare(
        'DELETE FROM group_members WHERE group_id = ? AND last_heartbeat + session_timeout_ms < ?',
      ),
    };
  }

  group(groupId: string): StoredGroup | undefined {
    const row = this.s.group.get(groupId) as GroupRow | undefined;
    return row && toGroup(row);
  }

  createGroup(groupId: string, assignor: AssignorName, topics: readonly string[]): StoredGroup {
    this.s.insertGroup.run(groupId, assignor, JSON.stringify(topics));
    return { groupId, generation: 0, assignor, topics };
  }

  setProtocol(groupId: string, assignor: AssignorName, topics: readonly string[]): void {
    this.s.setProtocol.run(assignor, JSON.stringify(topics), groupId);
  }

  setGeneration(groupId: string, generation: number): void {
    this.s.setGeneration.run(generation, groupId);
  }

  groupIds(): string[] {
    return this.s.groupIds.all() as string[];
  }

  member(groupId: string, memberId: string): StoredMember | undefined {
    const row = this.s.member.get(groupId, memberId) as MemberRow | undefined;
    return row && toMember(row);
  }

  /** Sorted by member id. */
  members(groupId: string): StoredMember[] {
    return (this.s.members.all(groupId) as MemberRow[]).map(toMember);
  }

  memberCount(groupId: string): number {
    return this.s.memberCount.get(groupId) as number;
  }

  addMember(groupId: string, member: NewMember, now: number): void {
    this.s.insertMember.run(groupId, member.memberId, member.clientId, member.sessionTimeoutMs, now, now);
  }

  refreshMember(groupId: string, member: NewMember, now: number): void {
    this.s.refreshMember.run(now, member.sessionTimeoutMs, member.clientId, groupId, member.memberId);
  }

  touch(groupId: string, memberId: string, now: number): void {
    this.s.touch.run(now, groupId, memberId);
  }

  setAssignment(groupId: string, memberId: string, partitions: readonly TopicPartition[]): void {
    this.s.setAssignment.run(
      JSON.stringify(partitions.map((p) => [p.topic, p.partition])),
      groupId,
      memberId,
    );
  }

  /** True if a member was there to remove. */
  removeMember(groupId: string, memberId: string): boolean {
    return this.s.deleteMember.run(groupId, memberId).changes > 0;
  }

  hasExpired(groupId: string, now: number): boolean {
    return this.s.hasExpired.get(groupId, now) === 1;
  }

  /** Removes members whose session ran out (`last_heartbeat + session_timeout_ms < now`); how many went. */
  removeExpired(groupId: string, now: number): number {
    return this.s.deleteExpired.run(groupId, now).changes;
  }
}

function toGroup(row: GroupRow): StoredGroup {
  return {
    groupId: row.group_id,
    generation: row.generation,
    assignor: row.assignor as AssignorName,
    topics: JSON.parse(row.topics) as string[],
  };
}

function toMember(row: MemberRow): StoredMember {
  const pairs = JSON.parse(row.assignment) as Array<[string, number]>;
  return {
    memberId: row.member_id,
    clientId: row.client_id,
    sessionTimeoutMs: row.session_timeout_ms,
    lastHeartbeat: row.last_heartbeat,
    partitions: pairs.map(([topic, partition]) => ({ topic, partition })),
  };
}
