import {
  assignorFor,
  AssignorName,
  compareTopicPartitions,
  GroupAssignment,
  InconsistentGroupProtocolError,
  TopicPartition,
  UnknownMemberError,
} from '@eventline/core';
import { Connection, heartbeatV4, joinGroupV9, leaveGroupV5, syncGroupV5 } from '@platformatic/kafka';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from './consumer-protocol';
import { hasKafkaError, toEventlineError } from './kafka-errors';

export interface MemberSettings {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly sessionTimeoutMs: number;
  readonly assignor: AssignorName;
  readonly clientId: string;
  /** Partition count of a topic (for the leader's assignment). */
  readonly partitionsOf: (topic: string) => Promise<number>;
  /** A fresh connection to the group's coordinator (JoinGroup blocks it during a rebalance). */
  readonly connect: () => Promise<Connection>;
}

/** How long a join waits for the group's coordinator to appear (new cluster, broker restart). */
const COORDINATOR_WAIT_MS = 60_000;

/**
 * One member of a consumer group on Kafka's classic group protocol: JoinGroup, SyncGroup (the
 * leader assigns with core's assignor, as the SQLite engine does), heartbeats in the background
 * and rejoins when the coordinator announces a rebalance. The port's heartbeat() then simply
 * reports the member's current view.
 */
export class KafkaGroupMember {
  memberId = '';
  generation = -1;
  partitions: TopicPartition[] = [];
  lastHeartbeat = 0;
  /** Set when the coordinator no longer knows the member (left, or its session expired). */
  gone = false;
  private connection?: Promise<Connection>;
  private timer?: NodeJS.Timeout;
  private rejoining?: Promise<void>;

  constructor(private readonly settings: MemberSettings) {}

  get heartbeatIntervalMs(): number {
    return Math.max(50, Math.min(500, Math.floor(this.settings.sessionTimeoutMs / 5)));
  }

  async join(memberId = ''): Promise<GroupAssignment> {
    this.memberId = memberId;
    await this.rejoin();
    this.timer ??= setInterval(() => void this.beat().catch(() => undefined), this.heartbeatIntervalMs);
    this.timer.unref();
    return this.assignment();
  }

  assignment(): GroupAssignment {
    return { groupId: this.settings.groupId, memberId: this.memberId, generation: this.generation, partitions: this.partitions };
  }

  /** One heartbeat now; rejoins (and waits) if the group is rebalancing. */
  async beat(): Promise<void> {
    if (this.gone) throw new UnknownMemberError(this.settings.groupId, this.memberId);
    if (this.rejoining) return this.rejoining;
    try {
      await heartbeatV4.api.async(await this.coordinator(), this.settings.groupId, this.generation, this.memberId, null);
      this.lastHeartbeat = Date.now();
    } catch (error) {
      if (hasKafkaError(error, 'REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION')) return this.rejoin();
      if (hasKafkaError(error, 'UNKNOWN_MEMBER_ID')) {
        this.stop();
        throw new UnknownMemberError(this.settings.groupId, this.memberId);
      }
      // The coordinator moved or the broker went away: the next beat looks it up and connects again.
      await this.disconnect();
      throw toEventlineError(error, `heartbeat in group "${this.settings.groupId}"`);
    }
  }

  async leave(): Promise<void> {
    this.stop();
    if (this.rejoining) await this.rejoining.catch(() => undefined);
    try {
      await leaveGroupV5.api.async(await this.coordinator(), this.settings.groupId, [{ memberId: this.memberId, groupInstanceId: null, reason: 'leaveGroup' }]);
    } catch (error) {
      if (!hasKafkaError(error, 'UNKNOWN_MEMBER_ID')) throw toEventlineError(error, `leave group "${this.settings.groupId}"`);
    } finally {
      await this.disconnect();
    }
  }

  /** Stops heartbeating and closes the member's connection without leaving (it never joined). */
  async dispose(): Promise<void> {
    this.stop();
    await this.disconnect();
  }

  stop(): void {
    this.gone = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** The connection to the group's coordinator, (re)connected on demand. */
  private coordinator(): Promise<Connection> {
    this.connection ??= this.settings.connect();
    const connection = this.connection;
    connection.catch(() => {
      if (this.connection === connection) this.connection = undefined;
    });
    return connection;
  }

  private async disconnect(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    await (await connection?.catch(() => undefined))?.close().catch(() => undefined);
  }

  private rejoin(): Promise<void> {
    this.rejoining ??= this.joinAndSync().finally(() => (this.rejoining = undefined));
    return this.rejoining;
  }

  private async joinAndSync(): Promise<void> {
    const { groupId, sessionTimeoutMs, assignor, topics } = this.settings;
    const deadline = Date.now() + COORDINATOR_WAIT_MS;
    for (let attempt = 0; attempt < 50; attempt++) {
      let joined;
      try {
        joined = await joinGroupV9.api.async(await this.coordinator(), groupId, sessionTimeoutMs, sessionTimeoutMs, this.memberId, null, 'consumer', [
          { name: assignor, metadata: encodeSubscription(topics) },
        ]);
      } catch (error) {
        const response = (error as { response?: { memberId?: string } }).response;
        if (hasKafkaError(error, 'MEMBER_ID_REQUIRED') && response?.memberId) {
          this.memberId = response.memberId; // KIP-394: the coordinator names new members
          continue;
        }
        if (hasKafkaError(error, 'UNKNOWN_MEMBER_ID')) {
          this.stop();
          throw new UnknownMemberError(groupId, this.memberId);
        }
        if (hasKafkaError(error, 'REBALANCE_IN_PROGRESS')) continue;
        if (hasKafkaError(error, 'INCONSISTENT_GROUP_PROTOCOL')) {
          this.stop();
          throw new InconsistentGroupProtocolError(groupId, { assignor: 'another', topics: [] }, { assignor, topics });
        }
        // No coordinator yet (a new cluster creating __consumer_offsets, a broker restarting, the
        // coordinator moving): look it up again, for a while, instead of failing the start-up.
        await this.disconnect();
        if (Date.now() > deadline) throw toEventlineError(error, `join group "${groupId}"`);
        attempt -= 1;
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      this.memberId = joined.memberId ?? this.memberId;
      const assignments =
        joined.leader === this.memberId ? await this.assign(joined.generationId, joined.members) : [];
      try {
        const synced = await syncGroupV5.api.async(await this.coordinator(), groupId, joined.generationId, this.memberId, null, 'consumer', assignor, assignments);
        this.generation = joined.generationId;
        this.partitions = decodeAssignment(synced.assignment).partitions.sort(compareTopicPartitions);
        this.lastHeartbeat = Date.now();
        return;
      } catch (error) {
        if (hasKafkaError(error, 'REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION')) continue;
        await this.disconnect();
        if (hasKafkaError(error, 'UNKNOWN_MEMBER_ID') || Date.now() > deadline) throw toEventlineError(error, `sync group "${groupId}"`);
        attempt -= 1;
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
    }
    throw toEventlineError(new Error('the group kept rebalancing (50 attempts)'), `join group "${groupId}"`);
  }

  /** Leader only: all subscribed partitions spread over the members by the group's assignor. */
  private async assign(generation: number, members: { memberId: string; metadata: Buffer | null }[]) {
    const topics = [...new Set(members.flatMap((m) => decodeSubscription(m.metadata)))].sort();
    const partitions: TopicPartition[] = [];
    for (const topic of topics) {
      const n = await this.settings.partitionsOf(topic);
      for (let partition = 0; partition < n; partition++) partitions.push({ topic, partition });
    }
    const ids = members.map((m) => m.memberId).sort();
    const plan = assignorFor(this.settings.assignor).assign(ids, partitions, new Map());
    return ids.map((memberId) => ({ memberId, assignment: encodeAssignment(plan.get(memberId) ?? [], generation) }));
  }
}
