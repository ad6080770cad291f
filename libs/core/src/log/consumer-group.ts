import { RecordPosition, TopicPartition } from './record';

export type AssignorName = 'range' | 'roundrobin' | 'sticky';

export interface JoinGroupRequest {
  readonly groupId: string;
  /** Reuse to rejoin; omit to get a fresh id. */
  readonly memberId?: string;
  readonly topics: readonly string[];
  /** A member not heard from for this long is dead and its partitions move (default 10 000). */
  readonly sessionTimeoutMs?: number;
  /** Must be the same for all members of a group (default 'range'). */
  readonly assignor?: AssignorName;
  /** Free text shown in describeGroup (e.g. host and pid). */
  readonly clientId?: string;
}

/** A member's view of the group at one generation. */
export interface GroupAssignment {
  readonly groupId: string;
  readonly memberId: string;
  /** Bumped on every rebalance; commits with an older one are rejected. */
  readonly generation: number;
  readonly partitions: readonly TopicPartition[];
}

export interface HeartbeatResult extends GroupAssignment {
  /** True when the generation moved since the one the member sent: drop work on partitions no longer listed. */
  readonly rebalanced: boolean;
}

export interface OffsetCommit extends RecordPosition {
  readonly metadata?: string;
}

export interface CommittedOffset extends RecordPosition {
  readonly metadata: string | null;
}

export interface GroupMemberDescription {
  readonly memberId: string;
  readonly clientId: string | null;
  readonly partitions: readonly TopicPartition[];
  readonly lastHeartbeat: number;
}

export interface PartitionLag extends TopicPartition {
  readonly committedOffset: number | null;
  readonly endOffset: number;
  readonly lag: number;
}

export interface GroupDescription {
  readonly groupId: string;
  readonly generation: number;
  readonly state: 'Stable' | 'Empty';
  readonly assignor: AssignorName;
  readonly topics: readonly string[];
  readonly members: readonly GroupMemberDescription[];
  readonly lag: readonly PartitionLag[];
}

/** Strategy that spreads partitions over members; pure and deterministic so every process computes the same. */
export interface PartitionAssignor {
  readonly name: AssignorName;
  /**
   * @param members sorted member ids
   * @param partitions all partitions of the subscribed topics, sorted by topic then partition
   * @param previous the last assignment (member id → partitions), for sticky assignors
   */
  assign(
    members: readonly string[],
    partitions: readonly TopicPartition[],
    previous: ReadonlyMap<string, readonly TopicPartition[]>,
  ): Map<string, TopicPartition[]>;
}
