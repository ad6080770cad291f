import type Database from 'better-sqlite3';
import {
  CommittedOffset,
  GroupAssignment,
  GroupNotFoundError,
  InconsistentGroupProtocolError,
  PartitionNotAssignedError,
  GroupDescription,
  HeartbeatResult,
  JoinGroupRequest,
  OffsetCommit,
  StaleGenerationError,
  UnknownMemberError,
} from '@eventline/core';
import { TopicCatalog } from '../topic-catalog';
import { GroupStore, StoredGroup } from './group-store';
import { GroupRebalancer } from './group-rebalancer';
import { OffsetStore } from './offset-store';
import { GroupDescriber } from './group-describer';
import { immediate, RaiseAfterCommit } from './group-transaction';
import {
  ValidCommit,
  ValidJoin,
  requireGeneration,
  requireGroupId,
  requireMemberId,
  validateCommits,
  validateJoin,
  validateTopicFilter,
} from './group-request';

/**
 * Kafka's group coordinator without a broker: the group's state lives in the database file and
 * every call is one IMMEDIATE transaction, so members in different OS processes serialize on
 * SQLite's write lock. Nobody runs a timer; each call expires the members whose session ran out
 * (by the injected clock) and rebalances, so a dead process loses its partitions at the next
 * heartbeat of any survivor.
 */
export class GroupCoordinator {
  private readonly store: GroupStore;
  private readonly offsets: OffsetStore;
  private readonly rebalancer: GroupRebalancer;
  private readonly describer: GroupDescriber;
  private readonly joinTx: (join: ValidJoin) => GroupAssignment;
  private readonly heartbeatTx: (groupId: string, memberId: string, generation: number) => HeartbeatResult;
  private readonly leaveTx: (groupId: string, memberId: string) => void;
  private readonly commitTx: (
    groupId: string,
    memberId: string,
    generation: number,
    commits: ValidCommit[],
  ) => void;
  private readonly expireTx: (groupId: string) => void;
  private readonly snapshot: Database.Transaction<(groupId: string) => GroupDescription>;

  constructor(
    private readonly db: Database.Database,
    private readonly catalog: TopicCatalog,
    private readonly clock: () => number,
  ) {
    this.store = new GroupStore(db);
    this.offsets = new OffsetStore(db);
    this.rebalancer = new GroupRebalancer(this.store, catalog);
    this.describer = new GroupDescriber(db, this.store, this.offsets, catalog);
    // The clock is read inside each transaction: waiting for another process's lock must not age `now`.
    this.joinTx = immediate(db, (join: ValidJoin) => this.doJoin(join, this.clock()));
    this.heartbeatTx = immediate(db, (g: string, m: string, gen: number) =>
      this.doHeartbeat(g, m, gen, this.clock()),
    );
    this.leaveTx = immediate(db, (g: string, m: string) => this.doLeave(g, m, this.clock()));
    this.commitTx = immediate(db, (g: string, m: string, gen: number, c: ValidCommit[]) =>
      this.doCommit(g, m, gen, c, this.clock()),
    );
    this.expireTx = immediate(db, (g: string) => {
      const group = this.store.group(g);
      if (group) this.rebalancer.expire(group, this.clock());
    });
    this.snapshot = db.transaction((g: string) => {
      const group = this.store.group(g);
      if (!group) throw new GroupNotFoundError(g);
      return this.describer.describe(group);
    });
  }

  join(request: JoinGroupRequest): GroupAssignment {
    return this.joinTx(validateJoin(request, this.catalog));
  }

  heartbeat(groupId: string, memberId: string, generation: number): HeartbeatResult {
    return this.heartbeatTx(
      requireGroupId(groupId),
      requireMemberId(memberId),
      requireGeneration(generation),
    );
  }

  /** Leaving twice, or after the session expired, is a no-op: shutdown paths need no special case. */
  leave(groupId: string, memberId: string): void {
    this.leaveTx(requireGroupId(groupId), requireMemberId(memberId));
  }

  commitOffsets(
    groupId: string,
    memberId: string,
    generation: number,
    offsets: readonly OffsetCommit[],
  ): void {
    const commits = validateCommits(offsets, this.catalog);
    this.commitTx(requireGroupId(groupId), requireMemberId(memberId), requireGeneration(generation), commits);
  }

  fetchOffsets(groupId: string, topic?: string): CommittedOffset[] {
    return this.offsets.fetch(requireGroupId(groupId), validateTopicFilter(topic, this.catalog));
  }

  /** Expires dead members first (taking the write lock only if there are any), then reads one snapshot. */
  describe(groupId: string): GroupDescription {
    requireGroupId(groupId);
    if (this.store.hasExpired(groupId, this.clock())) this.expireTx(groupId);
    return this.snapshot.deferred(groupId);
  }

  list(): string[] {
    return this.store.groupIds();
  }

  private doJoin(join: ValidJoin, now: number): GroupAssignment | RaiseAfterCommit {
    const { groupId, memberId } = join;
    let group = this.store.group(groupId);
    let changed = false;
    if (!group) {
      group = this.store.createGroup(groupId, join.assignor, join.topics);
    } else {
      // Expire first: a member rejoining after its session ran out is a new member and moves partitions.
      changed = this.store.removeExpired(groupId, now) > 0;
      if (group.assignor !== join.assignor || !sameTopics(group.topics, join.topics)) {
        const others = this.store.members(groupId).filter((m) => m.memberId !== memberId);
        // Throwing rolls back the expiry too; the next heartbeat of a live member redoes it.
        if (others.length > 0) throw new InconsistentGroupProtocolError(groupId, group, join);
        this.store.setProtocol(groupId, join.assignor, join.topics);
        group = { ...group, assignor: join.assignor, topics: join.topics };
        changed = true;
      }
    }
    if (this.store.member(groupId, memberId)) {
      this.store.refreshMember(groupId, join, now);
    } else {
      this.store.addMember(groupId, join, now);
      changed = true;
    }
    if (changed) group = this.rebalancer.rebalance(group);
    return this.assignmentOf(group, memberId);
  }

  private doHeartbeat(
    groupId: string,
    memberId: string,
    generation: number,
    now: number,
  ): HeartbeatResult | RaiseAfterCommit {
    const found = this.store.group(groupId);
    if (!found) return new RaiseAfterCommit(new UnknownMemberError(groupId, memberId));
    // A member whose own session ran out is expired here too: a heartbeat that late does not revive it.
    const group = this.rebalancer.expire(found, now);
    const member = this.store.member(groupId, memberId);
    if (!member) return new RaiseAfterCommit(new UnknownMemberError(groupId, memberId));
    this.store.touch(groupId, memberId, now);
    return {
      groupId,
      memberId,
      generation: group.generation,
      partitions: member.partitions,
      rebalanced: group.generation !== generation,
    };
  }

  private doLeave(groupId: string, memberId: string, now: number): void {
    const group = this.store.group(groupId);
    if (!group) return;
    const left = this.store.removeMember(groupId, memberId);
    const expired = this.store.removeExpired(groupId, now) > 0;
    if (left || expired) this.rebalancer.rebalance(group);
  }

  private doCommit(
    groupId: string,
    memberId: string,
    generation: number,
    commits: ValidCommit[],
    now: number,
  ): void | RaiseAfterCommit {
    const found = this.store.group(groupId);
    if (!found) return new RaiseAfterCommit(new UnknownMemberError(groupId, memberId));
    const group = this.rebalancer.expire(found, now);
    const member = this.store.member(groupId, memberId);
    if (!member) return new RaiseAfterCommit(new UnknownMemberError(groupId, memberId));
    if (generation !== group.generation) {
      return new RaiseAfterCommit(new StaleGenerationError(groupId, memberId, generation, group.generation));
    }
    const owned = new Set(member.partitions.map((p) => `${p.topic}\u0000${p.partition}`));
    const foreign = commits.find((c) => !owned.has(`${c.topic}\u0000${c.partition}`));
    if (foreign)
      return new RaiseAfterCommit(new PartitionNotAssignedError(groupId, memberId, foreign, generation));
    for (const commit of commits) this.offsets.commit(groupId, commit, now);
    // As in Kafka, a commit proves the member alive.
    this.store.touch(groupId, memberId, now);
  }

  private assignmentOf(group: StoredGroup, memberId: string): GroupAssignment {
    const member = this.store.member(group.groupId, memberId)!;
    return { groupId: group.groupId, memberId, generation: group.generation, partitions: member.partitions };
  }
}

function sameTopics(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}
