import { randomUUID } from 'crypto';
import {
  AssignorName,
  assignorFor,
  CommittedOffset,
  GroupAssignment,
  GroupDescription,
  GroupNotFoundError,
  HeartbeatResult,
  InconsistentGroupProtocolError,
  InvalidConfigError,
  JoinGroupRequest,
  OffsetCommit,
  PartitionNotAssignedError,
  PartitionOutOfRangeError,
  StaleGenerationError,
  TopicPartition,
  UnknownMemberError,
  ValidationError,
} from '@eventline/core';
import { InMemoryTopic } from './in-memory-topic';

interface Member {
  readonly memberId: string;
  readonly clientId: string | null;
  readonly sessionTimeoutMs: number;
  lastHeartbeat: number;
  partitions: TopicPartition[];
}

interface Group {
  readonly groupId: string;
  generation: number;
  assignor: AssignorName;
  topics: readonly string[];
  readonly members: Map<string, Member>;
  readonly offsets: Map<string, CommittedOffset>;
}

const MIN_SESSION_TIMEOUT_MS = 100;
const MAX_SESSION_TIMEOUT_MS = 3_600_000;

/**
 * Consumer groups of the in-memory log, with the SQLite engine's rules: members expire lazily by
 * the injected clock at every call, any membership change starts a new generation and reassigns
 * partitions with the group's assignor, and commits from stale generations or for partitions the
 * member does not own are refused.
 */
export class InMemoryGroups {
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly topicOf: (name: string) => InMemoryTopic,
    private readonly clock: () => number,
  ) {}

  join(request: JoinGroupRequest): GroupAssignment {
    if (typeof request !== 'object' || request === null) {
      throw new ValidationError('joinGroup needs a request object ({ groupId, topics, ... }).');
    }
    const groupId = requireId(request.groupId, 'group id');
    const clientId = request.clientId ?? null;
    const memberId =
      request.memberId === undefined
        ? `${clientId ?? 'member'}-${randomUUID()}`
        : requireId(request.memberId, 'member id');
    if (!Array.isArray(request.topics) || request.topics.length === 0) {
      throw new InvalidConfigError(
        `Group "${groupId}" must subscribe to at least one topic (topics: string[]).`,
        {
          groupId,
        },
      );
    }
    for (const topic of request.topics) this.topicOf(topic);
    const topics = [...new Set(request.topics)].sort();
    const sessionTimeoutMs = request.sessionTimeoutMs ?? 10_000;
    if (
      !Number.isInteger(sessionTimeoutMs) ||
      sessionTimeoutMs < MIN_SESSION_TIMEOUT_MS ||
      sessionTimeoutMs > MAX_SESSION_TIMEOUT_MS
    ) {
      throw new InvalidConfigError(
        `sessionTimeoutMs must be a whole number of ms from ${MIN_SESSION_TIMEOUT_MS} to ${MAX_SESSION_TIMEOUT_MS}, got ${sessionTimeoutMs}.`,
        { groupId, sessionTimeoutMs },
      );
    }
    const assignor = assignorFor(request.assignor ?? 'range').name;
    const now = this.clock();
    let group = this.groups.get(groupId);
    let changed = false;
    if (!group) {
      group = { groupId, generation: 0, assignor, topics, members: new Map(), offsets: new Map() };
      this.groups.set(groupId, group);
    } else {
      const protocolDiffers =
        group.assignor !== assignor || group.topics.join('\u0000') !== topics.join('\u0000');
      const others = [...group.members.values()].filter((m) => m.memberId !== memberId && !expired(m, now));
      if (protocolDiffers && others.length > 0) {
        throw new InconsistentGroupProtocolError(groupId, group, { assignor, topics });
      }
      changed = this.removeExpired(group, now);
      if (protocolDiffers) {
        group.assignor = assignor;
        group.topics = topics;
        changed = true;
      }
    }
    const existing = group.members.get(memberId);
    if (existing) existing.lastHeartbeat = now;
    else {
      group.members.set(memberId, {
        memberId,
        clientId,
        sessionTimeoutMs,
        lastHeartbeat: now,
        partitions: [],
      });
      changed = true;
    }
    if (changed) this.rebalance(group);
    return this.assignmentOf(group, memberId);
  }

  heartbeat(groupId: string, memberId: string, generation: number): HeartbeatResult {
    const group = this.live(requireId(groupId, 'group id'), requireId(memberId, 'member id'));
    requireGeneration(generation);
    const member = group.members.get(memberId)!;
    member.lastHeartbeat = this.clock();
    return { ...this.assignmentOf(group, memberId), rebalanced: group.generation !== generation };
  }

  leave(groupId: string, memberId: string): void {
    const group = this.groups.get(requireId(groupId, 'group id'));
    if (!group) return;
    const left = group.members.delete(requireId(memberId, 'member id'));
    if (this.removeExpired(group, this.clock()) || left) this.rebalance(group);
  }

  commit(groupId: string, memberId: string, generation: number, offsets: readonly OffsetCommit[]): void {
    if (!Array.isArray(offsets))
      throw new ValidationError('commitOffsets needs an array of { topic, partition, offset }.');
    const commits = offsets.map((c) => {
      const topic = this.topicOf(c?.topic);
      if (!Number.isInteger(c.partition) || c.partition < 0 || c.partition >= topic.description.partitions) {
        throw new PartitionOutOfRangeError(topic.name, c.partition, topic.description.partitions);
      }
      if (!Number.isSafeInteger(c.offset) || c.offset < 0) {
        throw new ValidationError(
          `A committed offset is the next offset to read, a whole number ≥ 0; got ${c.offset} for ${topic.name}-${c.partition}.`,
          { topic: topic.name, partition: c.partition, offset: c.offset },
        );
      }
      return { topic: topic.name, partition: c.partition, offset: c.offset, metadata: c.metadata ?? null };
    });
    const group = this.live(requireId(groupId, 'group id'), requireId(memberId, 'member id'));
    requireGeneration(generation);
    if (generation !== group.generation) {
      throw new StaleGenerationError(groupId, memberId, generation, group.generation);
    }
    const member = group.members.get(memberId)!;
    const owned = new Set(member.partitions.map((p) => `${p.topic}\u0000${p.partition}`));
    const foreign = commits.find((c) => !owned.has(`${c.topic}\u0000${c.partition}`));
    if (foreign) throw new PartitionNotAssignedError(groupId, memberId, foreign, generation);
    for (const c of commits) group.offsets.set(`${c.topic}\u0000${c.partition}`, c);
    member.lastHeartbeat = this.clock(); // as in Kafka, a commit proves the member alive
  }

  fetch(groupId: string, topic?: string): CommittedOffset[] {
    const name = topic === undefined ? undefined : this.topicOf(topic).name;
    const group = this.groups.get(requireId(groupId, 'group id'));
    if (!group) return [];
    return [...group.offsets.values()]
      .filter((o) => name === undefined || o.topic === name)
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
      .map((o) => ({ ...o }));
  }

  describe(groupId: string): GroupDescription {
    const group = this.groups.get(requireId(groupId, 'group id'));
    if (!group) throw new GroupNotFoundError(groupId);
    if (this.removeExpired(group, this.clock())) this.rebalance(group);
    const members = [...group.members.values()].sort((a, b) => a.memberId.localeCompare(b.memberId));
    const lag = group.topics.flatMap((name) =>
      this.topicOf(name).partitions.map((p, partition) => {
        const committed = group.offsets.get(`${name}\u0000${partition}`)?.offset ?? null;
        const start = committed ?? p.beginOffset;
        return {
          topic: name,
          partition,
          committedOffset: committed,
          endOffset: p.endOffset,
          lag: Math.max(0, p.endOffset - start),
        };
      }),
    );
    return {
      groupId,
      generation: group.generation,
      state: members.length > 0 ? 'Stable' : 'Empty',
      assignor: group.assignor,
      topics: [...group.topics],
      members: members.map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        partitions: [...m.partitions],
        lastHeartbeat: m.lastHeartbeat,
      })),
      lag,
    };
  }

  list(): string[] {
    return [...this.groups.keys()].sort();
  }

  /** The group, with its dead members expired, if `memberId` is alive in it; else UnknownMemberError. */
  private live(groupId: string, memberId: string): Group {
    const group = this.groups.get(groupId);
    if (!group) throw new UnknownMemberError(groupId, memberId);
    if (this.removeExpired(group, this.clock())) this.rebalance(group);
    if (!group.members.has(memberId)) throw new UnknownMemberError(groupId, memberId);
    return group;
  }

  private removeExpired(group: Group, now: number): boolean {
    let removed = false;
    for (const m of [...group.members.values()]) {
      if (expired(m, now)) removed = group.members.delete(m.memberId) || removed;
    }
    return removed;
  }

  private rebalance(group: Group): void {
    group.generation++;
    const members = [...group.members.values()].sort((a, b) => (a.memberId < b.memberId ? -1 : 1));
    if (members.length === 0) return;
    const partitions = group.topics.flatMap((topic) =>
      Array.from({ length: this.topicOf(topic).description.partitions }, (_, partition) => ({
        topic,
        partition,
      })),
    );
    const previous = new Map(members.map((m) => [m.memberId, m.partitions]));
    const assignment = assignorFor(group.assignor).assign(
      members.map((m) => m.memberId),
      partitions,
      previous,
    );
    for (const m of members) m.partitions = assignment.get(m.memberId) ?? [];
  }

  private assignmentOf(group: Group, memberId: string): GroupAssignment {
    const member = group.members.get(memberId)!;
    return {
      groupId: group.groupId,
      memberId,
      generation: group.generation,
      partitions: [...member.partitions],
    };
  }
}

function expired(member: Member, now: number): boolean {
  return now - member.lastHeartbeat > member.sessionTimeoutMs;
}

function requireId(id: unknown, what: string): string {
  if (typeof id !== 'string' || id.trim().length === 0 || id.length > 255) {
    throw new ValidationError(
      `A ${what} must be a non-blank string of at most 255 characters, got ${JSON.stringify(id)}.`,
    );
  }
  return id;
}

function requireGeneration(generation: unknown): void {
  if (!Number.isSafeInteger(generation) || (generation as number) < 0) {
    throw new ValidationError(
      `A generation is a whole number ≥ 0 as returned by joinGroup/heartbeat, got ${String(generation)}.`,
      { generation },
    );
  }
}
