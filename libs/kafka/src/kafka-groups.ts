import {
  CommittedOffset,
  GroupAssignment,
  GroupDescription,
  GroupMemberDescription,
  GroupNotFoundError,
  PartitionNotAssignedError,
  HeartbeatResult,
  isAssignorName,
  InvalidConfigError,
  JoinGroupRequest,
  OffsetCommit,
  PartitionLag,
  StaleGenerationError,
  UnknownMemberError,
  ValidationError,
} from '@eventline/core';
import { Admin, Connection, describeGroupsV5, FindCoordinatorKeyTypes, offsetCommitV8, offsetFetchV8 } from '@platformatic/kafka';
import { decodeAssignment, decodeSubscription } from './consumer-protocol';
import { hasKafkaError, toEventlineError } from './kafka-errors';
import { KafkaGroupMember } from './kafka-group-member';
import { KafkaTopics } from './kafka-topics';
import { PartitionReader } from './partition-reader';

/**
 * The port's consumer groups on Kafka's own group coordinator. Members joined through this log
 * live here (heartbeating in the background); commits, offsets and descriptions go straight to
 * the coordinator, so Kafka's tools show the same groups, offsets and lag.
 */
export class KafkaGroups {
  private readonly members = new Map<string, KafkaGroupMember>();
  private readonly coordinators = new Map<string, Promise<Connection>>();

  constructor(
    private readonly admin: Admin,
    private readonly reader: PartitionReader,
    private readonly topics: KafkaTopics,
    private readonly clientId: string,
  ) {}

  async join(request: JoinGroupRequest): Promise<GroupAssignment> {
    const { groupId, topics } = request;
    if (typeof groupId !== 'string' || groupId.length === 0) throw new ValidationError('joinGroup needs a groupId.');
    if (!Array.isArray(topics) || topics.length === 0) throw new ValidationError(`joinGroup of "${groupId}" needs at least one topic.`);
    const assignor = request.assignor ?? 'range';
    if (!isAssignorName(assignor)) throw new InvalidConfigError(`Unknown assignor "${String(assignor)}".`, { assignor });
    for (const topic of topics) await this.topics.describe(topic); // UnknownTopicError before joining
    const existing = request.memberId ? this.members.get(key(groupId, request.memberId)) : undefined;
    if (existing && !existing.gone) {
      await existing.beat();
      return existing.assignment();
    }
    const member = new KafkaGroupMember({
      groupId,
      topics: [...topics],
      sessionTimeoutMs: request.sessionTimeoutMs ?? 10_000,
      assignor,
      clientId: request.clientId ?? this.clientId,
      partitionsOf: (topic) => this.topics.partitions(topic),
      connect: () => this.connect(groupId, request.clientId ?? this.clientId),
    });
    let assignment: GroupAssignment;
    try {
      assignment = await member.join();
    } catch (error) {
      await member.dispose(); // its connection would keep the process alive
      throw error;
    }
    this.members.set(key(groupId, assignment.memberId), member);
    return assignment;
  }

  async heartbeat(groupId: string, memberId: string, generation: number): Promise<HeartbeatResult> {
    const member = this.local(groupId, memberId);
    try {
      await member.beat();
    } catch (error) {
      if (error instanceof UnknownMemberError) this.members.delete(key(groupId, memberId));
      throw error;
    }
    return { ...member.assignment(), rebalanced: member.generation !== generation };
  }

  async leave(groupId: string, memberId: string): Promise<void> {
    const member = this.members.get(key(groupId, memberId));
    if (!member) return;
    this.members.delete(key(groupId, memberId));
    await member.leave();
  }

  async commit(groupId: string, memberId: string, generation: number, offsets: readonly OffsetCommit[]): Promise<void> {
    const member = this.local(groupId, memberId);
    for (const o of offsets) {
      await this.topics.checkPartition(o.topic, o.partition);
      if (!Number.isSafeInteger(o.offset) || o.offset < 0) {
        throw new ValidationError(`Committed offset must be a whole number ≥ 0, got ${o.offset}.`, { ...o });
      }
    }
    for (const o of offsets) {
      if (!member.partitions.some((p) => p.topic === o.topic && p.partition === o.partition) && member.generation === generation) {
        throw new PartitionNotAssignedError(groupId, memberId, o, generation);
      }
    }
    const byTopic = new Map<string, OffsetCommit[]>();
    for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o]);
    try {
      await offsetCommitV8.api.async(
        await this.coordinator(groupId),
        groupId,
        generation,
        memberId,
        null,
        [...byTopic.entries()].map(([name, list]) => ({
          name,
          partitions: list.map((o) => ({
            partitionIndex: o.partition,
            committedOffset: BigInt(o.offset),
            committedLeaderEpoch: -1,
            committedMetadata: o.metadata ?? null,
          })),
        })),
      );
    } catch (error) {
      if (hasKafkaError(error, 'ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS')) {
        throw new StaleGenerationError(groupId, memberId, generation, member.generation);
      }
      if (hasKafkaError(error, 'UNKNOWN_MEMBER_ID')) throw new UnknownMemberError(groupId, memberId);
      await this.dropCoordinator(groupId);
      throw toEventlineError(error, `commit offsets of group "${groupId}"`);
    }
  }

  async fetchOffsets(groupId: string, topic?: string): Promise<CommittedOffset[]> {
    let response;
    try {
      response = await offsetFetchV8.api.async(await this.coordinator(groupId), [{ groupId, memberEpoch: -1, topics: null }], true);
    } catch (error) {
      await this.dropCoordinator(groupId);
      throw toEventlineError(error, `fetch the offsets of group "${groupId}"`);
    }
    const out: CommittedOffset[] = [];
    for (const t of response.groups[0]?.topics ?? []) {
      if (topic !== undefined && t.name !== topic) continue;
      for (const p of t.partitions) {
        if (p.committedOffset < 0n) continue;
        out.push({ topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset), metadata: p.metadata || null });
      }
    }
    return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  async describe(groupId: string): Promise<GroupDescription> {
    let group;
    try {
      const response = await describeGroupsV5.api.async(await this.coordinator(groupId), [groupId], false);
      group = response.groups[0];
    } catch (error) {
      await this.dropCoordinator(groupId);
      throw toEventlineError(error, `describe group "${groupId}"`);
    }
    const committed = await this.fetchOffsets(groupId);
    if ((!group || group.groupState === 'Dead') && committed.length === 0) throw new GroupNotFoundError(groupId);
    const members: GroupMemberDescription[] = [];
    const topics = new Set<string>();
    let generation = 0;
    for (const m of group?.members ?? []) {
      decodeSubscription(m.memberMetadata).forEach((t) => topics.add(t));
      const assignment = decodeAssignment(m.memberAssignment);
      generation = Math.max(generation, assignment.generation ?? 0);
      const local = this.members.get(key(groupId, m.memberId));
      members.push({ memberId: m.memberId, clientId: m.clientId, partitions: assignment.partitions, lastHeartbeat: local?.lastHeartbeat ?? 0 });
    }
    committed.forEach((c) => topics.add(c.topic));
    const lag: PartitionLag[] = [];
    for (const topic of [...topics].sort()) {
      const { end } = await this.reader.offsets(topic);
      end.forEach((e, partition) => {
        const c = committed.find((x) => x.topic === topic && x.partition === partition);
        const endOffset = Number(e);
        lag.push({ topic, partition, committedOffset: c?.offset ?? null, endOffset, lag: endOffset - (c?.offset ?? 0) });
      });
    }
    const protocol = group?.protocolData;
    return {
      groupId,
      generation,
      state: members.length > 0 ? 'Stable' : 'Empty',
      assignor: isAssignorName(protocol) ? protocol : 'range',
      topics: [...topics].sort(),
      members,
      lag,
    };
  }

  async list(): Promise<string[]> {
    try {
      return [...(await this.admin.listGroups()).keys()].sort();
    } catch (error) {
      throw toEventlineError(error, 'list groups');
    }
  }

  async close(): Promise<void> {
    const members = [...this.members.values()];
    this.members.clear();
    await Promise.all(members.map((m) => m.leave().catch(() => undefined)));
    const connections = [...this.coordinators.values()];
    this.coordinators.clear();
    await Promise.all(connections.map(async (c) => (await c.catch(() => undefined))?.close().catch(() => undefined)));
  }

  private local(groupId: string, memberId: string): KafkaGroupMember {
    const member = this.members.get(key(groupId, memberId));
    if (!member || member.gone) throw new UnknownMemberError(groupId, memberId);
    return member;
  }

  /** A shared connection for commits and describes (never blocked by a JoinGroup). */
  private coordinator(groupId: string): Promise<Connection> {
    let connection = this.coordinators.get(groupId);
    if (!connection) {
      connection = this.connect(groupId, this.clientId);
      this.coordinators.set(groupId, connection);
      connection.catch(() => this.coordinators.delete(groupId));
    }
    return connection;
  }

  /** After an error the coordinator may have moved or restarted: the next call looks it up again. */
  private async dropCoordinator(groupId: string): Promise<void> {
    const connection = this.coordinators.get(groupId);
    this.coordinators.delete(groupId);
    await (await connection?.catch(() => undefined))?.close().catch(() => undefined);
  }

  private async connect(groupId: string, clientId: string): Promise<Connection> {
    try {
      const [found] = await this.admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: [groupId] });
      const connection = new Connection(clientId);
      await connection.connect(found.host, found.port);
      return connection;
    } catch (error) {
      throw toEventlineError(error, `reach the coordinator of group "${groupId}"`);
    }
  }
}

function key(groupId: string, memberId: string): string {
  return `${groupId}\u0000${memberId}`;
}
