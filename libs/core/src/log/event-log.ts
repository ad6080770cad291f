import { TopicDescription, TopicSpec } from './topic';
import { AppendRequest, AppendResult, LogRecord, PartitionOffsets, ReadOptions } from './record';
import {
  CommittedOffset,
  GroupAssignment,
  GroupDescription,
  HeartbeatResult,
  JoinGroupRequest,
  OffsetCommit,
} from './consumer-group';

/**
 * The log port. Adapters (`@eventline/sqlite`, `@eventline/kafka`) implement it with the same
 * semantics; `test/contract` holds the suite every adapter must pass.
 *
 * @example
 * await log.createTopics([{ name: 'account.events', partitions: 8 }]);
 * const { records } = await log.append({ records: [{ topic: 'account.events', key: 'a-1', value: Buffer.from('{}') }] });
 */
export interface EventLog {
  /** Creates topics. Existing ones with the same spec are fine; with a different one → TopicAlreadyExistsError. */
  createTopics(specs: readonly TopicSpec[]): Promise<void>;
  describeTopic(name: string): Promise<TopicDescription>;
  listTopics(): Promise<TopicDescription[]>;

  /**
   * Appends records, possibly to several topic-partitions, atomically: all or none.
   * Resolves only once the records are durable (an acknowledged append is never lost).
   * Throws ConcurrencyError if an expectation does not hold, nothing written.
   */
  append(request: AppendRequest): Promise<AppendResult>;

  /** Records of one partition from `offset` on (skipping compaction gaps), in offset order. */
  read(topic: string, partition: number, offset: number, options?: ReadOptions): Promise<LogRecord[]>;
  /**
   * Records of one key with keyVersion > afterVersion, in order: an entity's stream. An index range
   * scan on topics created with `keyIndex: true`; a scan of the topic otherwise (see TopicConfig).
   */
  readKey(topic: string, key: string, afterVersion?: number): Promise<LogRecord[]>;
  /**
   * The latest record of one key (what a compacted topic keeps), or null if the key has none: never
   * written, or its latest record was a tombstone that compaction removed. One lookup whatever the
   * history length and whatever `keyIndex` is: snapshots and idempotency records are read this way.
   */
  readLatest(topic: string, key: string): Promise<LogRecord | null>;
  /** Latest keyVersion of each key asked for (0 if none). */
  keyVersions(topic: string, keys: readonly string[]): Promise<Map<string, number>>;
  offsets(topic: string): Promise<PartitionOffsets[]>;

  joinGroup(request: JoinGroupRequest): Promise<GroupAssignment>;
  heartbeat(groupId: string, memberId: string, generation: number): Promise<HeartbeatResult>;
  leaveGroup(groupId: string, memberId: string): Promise<void>;
  /** Offsets are "next to read" (Kafka's convention). Rejected with StaleGenerationError / UnknownMemberError if the member was fenced. */
  commitOffsets(
    groupId: string,
    memberId: string,
    generation: number,
    offsets: readonly OffsetCommit[],
  ): Promise<void>;
  fetchOffsets(groupId: string, topic?: string): Promise<CommittedOffset[]>;
  describeGroup(groupId: string): Promise<GroupDescription>;
  listGroups(): Promise<string[]>;

  close(): Promise<void>;
}
