import {
  AppendedRecord,
  AppendRequest,
  AppendResult,
  CommittedOffset,
  ConcurrencyError,
  EventLog,
  GroupAssignment,
  GroupDescription,
  HeartbeatResult,
  JoinGroupRequest,
  LogRecord,
  OffsetCommit,
  OffsetOutOfRangeError,
  PartitionOffsets,
  Partitioner,
  PartitionOutOfRangeError,
  ReadOptions,
  resolveTopicSpec,
  TopicAlreadyExistsError,
  TopicDescription,
  TopicSpec,
  UnavailableError,
  UnknownTopicError,
  ValidationError,
} from '@eventline/core';
import { checkAppend } from './in-memory-append';
import { cleanTopic, InMemoryCleanStats } from './in-memory-cleaner';
import { InMemoryGroups } from './in-memory-groups';
import { InMemoryTopic, KeyState } from './in-memory-topic';

export interface InMemoryEventLogOptions {
  /** Milliseconds since the epoch; inject one to move time in tests (retention, session timeouts). */
  readonly clock?: () => number;
}

/**
 * An EventLog in process memory for fast unit tests of user code: the same semantics as the SQLite
 * engine (it passes the same contract suite) — murmur2 partitions, dense offsets, per-key versions
 * and expectations, atomic multi-topic appends, compaction and retention on `clean()`, consumer
 * groups with generations and fencing — but nothing survives the process, and there is one process.
 *
 * @example
 * const log = new InMemoryEventLog();
 * const store = new EventStore({ log, types: [Account] });
 * await store.provisionTopics();
 */
export class InMemoryEventLog implements EventLog {
  private readonly topics = new Map<string, InMemoryTopic>();
  private readonly partitioner = new Partitioner();
  private readonly groups: InMemoryGroups;
  private readonly clock: () => number;
  private waiters = new Set<() => void>();
  private closed = false;

  constructor(options: InMemoryEventLogOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.groups = new InMemoryGroups((name) => this.topic(name), this.clock);
  }

  async createTopics(specs: readonly TopicSpec[]): Promise<void> {
    this.ensureOpen();
    const resolved = specs.map(resolveTopicSpec); // all checked before any is created
    for (const description of resolved) {
      const existing = this.topics.get(description.name)?.description;
      if (existing && !sameTopic(existing, description)) throw new TopicAlreadyExistsError(description.name);
    }
    for (const description of resolved) {
      if (!this.topics.has(description.name))
        this.topics.set(description.name, new InMemoryTopic(description));
    }
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    this.ensureOpen();
    return this.topic(name).description;
  }

  async listTopics(): Promise<TopicDescription[]> {
    this.ensureOpen();
    return [...this.topics.values()].map((t) => t.description).sort((a, b) => a.name.localeCompare(b.name));
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    this.ensureOpen();
    const checked = checkAppend(request, (name) => this.topic(name), this.partitioner, this.clock());
    for (const { topic, expectation } of checked.expectations) {
      const actual = topic.keys.get(expectation.key)?.version ?? 0;
      if (actual !== expectation.version) {
        throw new ConcurrencyError(topic.name, expectation.key, expectation.version, actual);
      }
    }
    // Nothing below can fail: the append is all or nothing without a rollback.
    const appended = checked.records.map((r): AppendedRecord => {
      const partition = r.topic.partitions[r.partition];
      const offset = partition.endOffset++;
      let keyVersion: number | null = null;
      if (r.key !== null) {
        const state: KeyState = r.topic.keys.get(r.key) ?? { version: 0, partition: r.partition, offset };
        keyVersion = ++state.version;
        state.partition = r.partition;
        state.offset = offset;
        r.topic.keys.set(r.key, state);
      }
      const record: LogRecord = Object.freeze({
        topic: r.topic.name,
        partition: r.partition,
        offset,
        key: r.key,
        value: r.value,
        headers: r.headers,
        timestamp: r.timestamp,
        keyVersion,
      });
      partition.records.push(record);
      return { topic: r.topic.name, partition: r.partition, offset, key: r.key, keyVersion };
    });
    this.wakeReaders();
    return { records: appended };
  }

  async read(
    topic: string,
    partition: number,
    offset: number,
    options: ReadOptions = {},
  ): Promise<LogRecord[]> {
    this.ensureOpen();
    const t = this.topic(topic);
    if (!Number.isInteger(partition) || partition < 0 || partition >= t.description.partitions) {
      throw new PartitionOutOfRangeError(t.name, partition, t.description.partitions);
    }
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new ValidationError(`Offset must be a whole number ≥ 0, got ${offset}.`, {
        topic: t.name,
        offset,
      });
    }
    const maxRecords = positive(options.maxRecords, 500, 'maxRecords');
    const maxBytes = positive(options.maxBytes, 1_048_576, 'maxBytes');
    const reset = options.autoOffsetReset ?? 'none';
    if (reset !== 'none' && reset !== 'earliest') {
      throw new ValidationError(
        `autoOffsetReset must be 'none' or 'earliest', got ${JSON.stringify(reset)}.`,
      );
    }
    const log = t.partitions[partition];
    let from = offset;
    if (from < log.beginOffset) {
      if (reset === 'none') {
        throw new OffsetOutOfRangeError(t.name, partition, offset, log.beginOffset);
      }
      from = log.beginOffset;
    }
    const deadline = Date.now() + (options.maxWaitMs ?? 0);
    for (;;) {
      const out: LogRecord[] = [];
      let bytes = 0;
      for (let i = InMemoryTopic.firstAtOrAfter(log.records, from); i < log.records.length; i++) {
        if (out.length >= maxRecords || bytes >= maxBytes) break;
        out.push(log.records[i]);
        bytes += log.records[i].value?.length ?? 0;
      }
      const left = deadline - Date.now();
      if (out.length > 0 || left <= 0 || this.closed) return out;
      await this.waitForAppend(left);
    }
  }

  async readKey(topic: string, key: string, afterVersion = 0): Promise<LogRecord[]> {
    this.ensureOpen();
    const t = this.topic(topic);
    if (typeof key !== 'string') throw new ValidationError('A key must be a string.', { topic });
    if (!Number.isSafeInteger(afterVersion) || afterVersion < 0) {
      throw new ValidationError(`afterVersion must be a whole number ≥ 0, got ${afterVersion}.`, { key });
    }
    return t.partitions
      .flatMap((p) => p.records.filter((r) => r.key === key && (r.keyVersion ?? 0) > afterVersion))
      .sort((a, b) => (a.keyVersion ?? 0) - (b.keyVersion ?? 0));
  }

  async readLatest(topic: string, key: string): Promise<LogRecord | null> {
    this.ensureOpen();
    const t = this.topic(topic);
    if (typeof key !== 'string') throw new ValidationError('A key must be a string.', { topic });
    const state = t.keys.get(key);
    return (state && t.recordAt(state.partition, state.offset)) ?? null;
  }

  async keyVersions(topic: string, keys: readonly string[]): Promise<Map<string, number>> {
    this.ensureOpen();
    const t = this.topic(topic);
    return new Map(keys.map((k) => [k, t.keys.get(k)?.version ?? 0]));
  }

  async offsets(topic: string): Promise<PartitionOffsets[]> {
    this.ensureOpen();
    const t = this.topic(topic);
    return t.partitions.map((p, partition) => ({
      topic: t.name,
      partition,
      beginOffset: p.beginOffset,
      endOffset: p.endOffset,
    }));
  }

  async joinGroup(request: JoinGroupRequest): Promise<GroupAssignment> {
    this.ensureOpen();
    return this.groups.join(request);
  }

  async heartbeat(groupId: string, memberId: string, generation: number): Promise<HeartbeatResult> {
    this.ensureOpen();
    return this.groups.heartbeat(groupId, memberId, generation);
  }

  async leaveGroup(groupId: string, memberId: string): Promise<void> {
    this.ensureOpen();
    this.groups.leave(groupId, memberId);
  }

  async commitOffsets(
    groupId: string,
    memberId: string,
    generation: number,
    offsets: readonly OffsetCommit[],
  ): Promise<void> {
    this.ensureOpen();
    this.groups.commit(groupId, memberId, generation, offsets);
  }

  async fetchOffsets(groupId: string, topic?: string): Promise<CommittedOffset[]> {
    this.ensureOpen();
    return this.groups.fetch(groupId, topic);
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    this.ensureOpen();
    return this.groups.describe(groupId);
  }

  async listGroups(): Promise<string[]> {
    this.ensureOpen();
    return this.groups.list();
  }

  /** Compaction and retention now, by the injected clock (all topics, or one), with the SQLite engine's rules. */
  async clean(topic?: string): Promise<InMemoryCleanStats> {
    this.ensureOpen();
    const topics = topic === undefined ? [...this.topics.values()] : [this.topic(topic)];
    const now = this.clock();
    const total = { superseded: 0, tombstones: 0, retention: 0 };
    for (const t of topics) {
      const stats = cleanTopic(t, now);
      total.superseded += stats.superseded;
      total.tombstones += stats.tombstones;
      total.retention += stats.retention;
    }
    return total;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeReaders();
  }

  private topic(name: string): InMemoryTopic {
    const topic = typeof name === 'string' ? this.topics.get(name) : undefined;
    if (!topic) throw new UnknownTopicError(String(name));
    return topic;
  }

  private waitForAppend(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waiters.add(wake);
    });
  }

  private wakeReaders(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  private ensureOpen(): void {
    if (this.closed)
      throw new UnavailableError('This InMemoryEventLog is closed. Create a new one.', {}, 'LOG_CLOSED');
  }
}

function sameTopic(a: TopicDescription, b: TopicDescription): boolean {
  return (
    a.partitions === b.partitions &&
    a.keyIndex === b.keyIndex &&
    Object.keys(a.config).every(
      (k) => a.config[k as keyof typeof a.config] === b.config[k as keyof typeof b.config],
    )
  );
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ValidationError(`${name} must be a whole number ≥ 1.`, { [name]: value });
  }
  return value;
}
