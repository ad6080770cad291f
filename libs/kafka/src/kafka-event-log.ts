import {
  AppendRequest,
  AppendResult,
  CommittedOffset,
  EventLog,
  GroupAssignment,
  GroupDescription,
  HeartbeatResult,
  JoinGroupRequest,
  LogRecord,
  OffsetCommit,
  PartitionOffsets,
  Partitioner,
  ReadOptions,
  TopicDescription,
  TopicSpec,
  UnavailableError,
  ValidationError,
} from '@eventline/core';
import { Admin, Consumer } from '@platformatic/kafka';
import { planAppend } from './append-plan';
import { toEventlineError } from './kafka-errors';
import { KafkaGroups } from './kafka-groups';
import { KafkaNamespace } from './kafka-namespace';
import { KafkaTopics, TopicSettings } from './kafka-topics';
import { KeyIndex } from './key-index';
import { FetchLimits, PartitionReader } from './partition-reader';
import { SETTINGS_TOPIC, TopicSettingsStore } from './topic-settings-store';
import { WriteLease } from './write-lease';

export interface KafkaEventLogOptions extends TopicSettings {
  /** Bootstrap servers: `['host:9092', ...]` or `'host1:9092,host2:9092'` (as in KAFKA_BROKERS). */
  readonly brokers: string | readonly string[];
  /** Client id shown in broker logs and group descriptions (default `eventline-<pid>`). */
  readonly clientId?: string;
  /**
   * The write lease's transactional.id (default `eventline-writer`). Every process writing to the
   * same topics must use the same one: that is what makes their optimistic checks exclusive.
   * With a namespace, Kafka sees `<transactionalId>.<namespace>`.
   */
  readonly transactionalId?: string;
  /** Records per transaction when appends queue up (default 5000). */
  readonly maxBatchRecords?: number;
  /**
   * Carried by every name this log uses in Kafka — topics and groups as `<ns>.<name>`, the settings
   * topic, the transactional.id as `<id>.<ns>` — so several applications or test runs can share
   * one cluster; the application keeps seeing its own names. Kafka's topic-name alphabet, 1-100
   * characters.
   *
   * @example
   * KafkaEventLog.open({ brokers, namespace: 'bank-staging' }); // topic bank-staging.account.events
   */
  readonly namespace?: string;
}

/** Placeholder for a key's record that compaction removed. */
const GONE = {} as LogRecord;

const DEFAULT_READ = { maxRecords: 500, maxBytes: 1 << 20, maxWaitMs: 0 };

/**
 * The EventLog port on Apache Kafka 4.x: topics through the admin API, appends as transactions of
 * one write lease (optimistic concurrency, per-key versions), read_committed reads, Kafka's own
 * consumer-group protocol. Same semantics as the SQLite engine; the contract suite covers both.
 *
 * @example
 * const log = await KafkaEventLog.open({ brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092' });
 */
export class KafkaEventLog implements EventLog {
  private readonly partitioner = new Partitioner();
  private readonly longPollers: Consumer[] = [];
  /** Long pollers with a fetch in flight: close() must close them too, or their sockets keep the process alive. */
  private readonly polling = new Set<Consumer>();
  private closed = false;

  private constructor(
    private readonly brokers: string[],
    private readonly clientId: string,
    private readonly admin: Admin,
    private readonly consumer: Consumer,
    private readonly topics: KafkaTopics,
    private readonly reader: PartitionReader,
    private readonly index: KeyIndex,
    private readonly lease: WriteLease,
    private readonly groups: KafkaGroups,
    private readonly ns: KafkaNamespace,
  ) {}

  static async open(options: KafkaEventLogOptions): Promise<KafkaEventLog> {
    const brokers = (typeof options.brokers === 'string' ? options.brokers.split(',') : [...options.brokers])
      .map((b) => b.trim())
      .filter(Boolean);
    if (brokers.length === 0) throw new ValidationError('KafkaEventLog needs at least one broker (host:port).');
    const ns = new KafkaNamespace(options.namespace);
    const clientId = options.clientId ?? `eventline-${process.pid}`;
    const base = { clientId, bootstrapBrokers: brokers, retries: 3, retryDelay: 200 };
    const admin = new Admin(base);
    const consumer = new Consumer({ ...base, groupId: `${clientId}-reader` });
    const topics = new KafkaTopics(admin, options);
    const reader = new PartitionReader(consumer);
    const index = new KeyIndex(reader);
    const lease = new WriteLease(
      {
        clientId,
        bootstrapBrokers: brokers,
        transactionalId: ns.transactionalId(options.transactionalId ?? 'eventline-writer'),
        maxBatchRecords: options.maxBatchRecords ?? 5000,
      },
      index,
      reader,
    );
    topics.store = new TopicSettingsStore(topics, index, reader, lease, ns.topic(SETTINGS_TOPIC));
    const groups = new KafkaGroups(admin, reader, topics, clientId);
    const log = new KafkaEventLog(brokers, clientId, admin, consumer, topics, reader, index, lease, groups, ns);
    await admin.metadata({ topics: [] }).catch((error: unknown) => {
      void log.close();
      throw toEventlineError(error, `reach the brokers ${brokers.join(',')}`);
    });
    return log;
  }

  // Every port method maps names through the namespace (identity without one): the internals
  // below work with Kafka's names only.

  createTopics(specs: readonly TopicSpec[]): Promise<void> {
    return this.ns.guard(() => this.topics.create(this.ns.topicSpecs(specs)));
  }

  describeTopic(name: string): Promise<TopicDescription> {
    return this.ns.guard(async () => this.ns.description(await this.topics.describe(this.ns.topic(name))));
  }

  listTopics(): Promise<TopicDescription[]> {
    return this.ns.guard(async () => (await this.topics.list((n) => this.ns.listed(n))).map((d) => this.ns.description(d)));
  }

  append(request: AppendRequest): Promise<AppendResult> {
    return this.ns.guard(async () =>
      this.ns.appendResult(await this.lease.append(await planAppend(this.ns.appendRequest(request), this.topics, this.partitioner))),
    );
  }

  read(topic: string, partition: number, offset: number, options: ReadOptions = {}): Promise<LogRecord[]> {
    return this.ns.guard(async () => this.ns.records(await this.readPartition(this.ns.topic(topic), partition, offset, options)));
  }

  readKey(topic: string, key: string, afterVersion = 0): Promise<LogRecord[]> {
    return this.ns.guard(async () => this.ns.records(await this.readKeyRecords(this.ns.topic(topic), key, afterVersion)));
  }

  readLatest(topic: string, key: string): Promise<LogRecord | null> {
    return this.ns.guard(async () => this.ns.record(await this.readLatestRecord(this.ns.topic(topic), key)));
  }

  keyVersions(topic: string, keys: readonly string[]): Promise<Map<string, number>> {
    return this.ns.guard(() => this.versionsOf(this.ns.topic(topic), keys));
  }

  offsets(topic: string): Promise<PartitionOffsets[]> {
    return this.ns.guard(async () => this.ns.partitionOffsets(await this.offsetsOf(this.ns.topic(topic))));
  }

  joinGroup(request: JoinGroupRequest): Promise<GroupAssignment> {
    const kafkaRequest =
      request && typeof request.groupId === 'string' && Array.isArray(request.topics)
        ? { ...request, groupId: this.ns.group(request.groupId), topics: request.topics.map((t) => this.ns.topic(t)) }
        : request;
    return this.ns.guard(async () => this.ns.assignment(await this.groups.join(kafkaRequest)));
  }

  heartbeat(groupId: string, memberId: string, generation: number): Promise<HeartbeatResult> {
    return this.ns.guard(async () => this.ns.assignment(await this.groups.heartbeat(this.ns.group(groupId), memberId, generation)));
  }

  leaveGroup(groupId: string, memberId: string): Promise<void> {
    return this.ns.guard(() => this.groups.leave(this.ns.group(groupId), memberId));
  }

  commitOffsets(groupId: string, memberId: string, generation: number, offsets: readonly OffsetCommit[]): Promise<void> {
    return this.ns.guard(() => this.groups.commit(this.ns.group(groupId), memberId, generation, this.ns.offsetCommits(offsets)));
  }

  fetchOffsets(groupId: string, topic?: string): Promise<CommittedOffset[]> {
    return this.ns.guard(async () =>
      this.ns.committed(await this.groups.fetchOffsets(this.ns.group(groupId), topic === undefined ? undefined : this.ns.topic(topic))),
    );
  }

  describeGroup(groupId: string): Promise<GroupDescription> {
    return this.ns.guard(async () => this.ns.groupDescription(await this.groups.describe(this.ns.group(groupId))));
  }

  listGroups(): Promise<string[]> {
    return this.ns.guard(async () => (await this.groups.list()).filter((g) => this.ns.owns(g)).map((g) => this.ns.local(g)));
  }

  private async readPartition(topic: string, partition: number, offset: number, options: ReadOptions): Promise<LogRecord[]> {
    await this.topics.checkPartition(topic, partition);
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new ValidationError(`Offset must be a whole number ≥ 0, got ${offset}.`, { topic, partition, offset });
    }
    const { maxRecords, maxBytes, maxWaitMs } = { ...DEFAULT_READ, ...stripUndefined(options) };
    // Below the log start the broker answers OFFSET_OUT_OF_RANGE (PartitionReader): no extra round trip here.
    const fromStart = options.autoOffsetReset === 'earliest';
    // maxRecords goes to the reader too: it sizes the fetch and decodes no record past the limit.
    let records = await this.reader.fetch(topic, partition, offset, { maxWaitMs: 0, maxBytes, maxRecords, fromStart });
    if (records.length === 0 && maxWaitMs > 0) records = await this.longPoll(topic, partition, offset, { maxWaitMs, maxBytes, maxRecords });
    return limit(records, maxRecords, maxBytes);
  }

  private async readKeyRecords(topic: string, key: string, afterVersion: number): Promise<LogRecord[]> {
    await this.topics.describe(topic);
    const index = await this.index.catchUp(topic);
    const wanted = (index.keys.get(key) ?? []).filter((p) => p.keyVersion > afterVersion);
    const found = new Map<string, LogRecord>();
    // Fetch from the first wanted offset; one fetch usually brings several of the key's records.
    for (let i = 0; i < wanted.length; i++) {
      const { partition, offset } = wanted[i];
      if (found.has(`${partition}:${offset}`)) continue;
      const chunk = await this.reader.fetchChunk(topic, partition, offset, { maxWaitMs: 0, maxBytes: 1 << 20, fromStart: true });
      for (const r of chunk.records) if (r.key === key) found.set(`${partition}:${r.offset}`, r);
      if (!found.has(`${partition}:${offset}`)) found.set(`${partition}:${offset}`, GONE); // compacted away
    }
    return wanted.map((p) => found.get(`${p.partition}:${p.offset}`)!).filter((r) => r !== GONE);
  }

  private async readLatestRecord(topic: string, key: string): Promise<LogRecord | null> {
    await this.topics.describe(topic);
    const latest = (await this.index.catchUp(topic)).keys.get(key)?.at(-1);
    if (!latest) return null;
    const records = await this.reader.fetch(topic, latest.partition, latest.offset, { maxWaitMs: 0, maxBytes: 1 << 20, maxRecords: 1, fromStart: true });
    // Missing: the latest was a tombstone the cleaner has removed since.
    return records.find((r) => r.offset === latest.offset) ?? null;
  }

  private async versionsOf(topic: string, keys: readonly string[]): Promise<Map<string, number>> {
    await this.topics.describe(topic);
    const index = await this.index.catchUp(topic);
    return new Map(keys.map((key) => [key, index.version(key)]));
  }

  private async offsetsOf(topic: string): Promise<PartitionOffsets[]> {
    const partitions = await this.topics.partitions(topic);
    const { begin, end } = await this.reader.offsets(topic);
    return Array.from({ length: partitions }, (_, partition) => ({
      topic,
      partition,
      beginOffset: Number(begin[partition]),
      endOffset: Number(end[partition]),
    }));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.groups.close();
    await this.lease.close();
    await Promise.all([...this.longPollers, ...this.polling, this.consumer].map(closeQuietly));
    await this.admin.close().catch(() => undefined);
  }

  /** A long poll blocks its connection, so it gets a client of its own (pooled), not the shared one. */
  private async longPoll(topic: string, partition: number, offset: number, limits: FetchLimits): Promise<LogRecord[]> {
    if (this.closed) throw new UnavailableError('The Kafka event log is closed.');
    const consumer =
      this.longPollers.pop() ??
      new Consumer({ clientId: this.clientId, bootstrapBrokers: this.brokers, groupId: `${this.clientId}-reader` });
    this.polling.add(consumer);
    try {
      return await this.reader.fetch(topic, partition, offset, limits, consumer);
    } finally {
      this.polling.delete(consumer);
      if (this.closed) await closeQuietly(consumer);
      else this.longPollers.push(consumer);
    }
  }
}

function closeQuietly(consumer: Consumer): Promise<void> {
  return Promise.resolve(consumer.close(true)).catch(() => undefined);
}

function limit(records: LogRecord[], maxRecords: number, maxBytes: number): LogRecord[] {
  const out: LogRecord[] = [];
  let bytes = 0;
  for (const r of records) {
    if (out.length >= maxRecords || (out.length > 0 && bytes + (r.value?.length ?? 0) > maxBytes)) break;
    bytes += r.value?.length ?? 0;
    out.push(r);
  }
  return out;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
