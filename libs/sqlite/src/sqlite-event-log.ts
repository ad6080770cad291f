import type Database from 'better-sqlite3';
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
} from '@eventline/core';
import { openDatabase, OpenDatabaseOptions } from './open-database';
import { TopicCatalog } from './topic-catalog';
import { planAppend } from './append-plan';
import { LogWriter } from './log-writer';
import { LogReader } from './log-reader';
import { AppendSignal } from './append-signal';
import { GroupCoordinator } from './groups/group-coordinator';
import { CleanerStats, LogCleaner } from './cleaner/log-cleaner';

export interface SqliteEventLogOptions extends OpenDatabaseOptions {
  /** Run the log cleaner (compaction + retention) in the background every this many ms; 0 = only on demand. */
  readonly cleanerIntervalMs?: number;
  /** Milliseconds since the epoch; injectable so tests can move time. */
  readonly clock?: () => number;
}

/**
 * The embedded EventLog: one SQLite file, shared safely by several OS processes.
 *
 * @example
 * const log = SqliteEventLog.open({ file: './data/eventline.db' });
 * await log.createTopics([{ name: 'account.events', partitions: 8 }]);
 */
export class SqliteEventLog implements EventLog {
  readonly cleaner: LogCleaner;
  private readonly catalog: TopicCatalog;
  private readonly writer: LogWriter;
  private readonly reader: LogReader;
  private readonly signal: AppendSignal;
  private readonly groups: GroupCoordinator;
  private readonly partitioner = new Partitioner();
  private readonly clock: () => number;
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    options: SqliteEventLogOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.catalog = new TopicCatalog(db);
    this.signal = new AppendSignal(db);
    this.writer = new LogWriter(db, () => this.signal.notify());
    this.reader = new LogReader(db);
    this.groups = new GroupCoordinator(db, this.catalog, this.clock);
    this.cleaner = new LogCleaner(db, this.catalog, this.clock);
    if (options.cleanerIntervalMs) this.cleaner.start(options.cleanerIntervalMs);
  }

  static open(options: SqliteEventLogOptions): SqliteEventLog {
    return new SqliteEventLog(openDatabase(options), options);
  }

  async createTopics(specs: readonly TopicSpec[]): Promise<void> {
    this.ensureOpen();
    this.catalog.create(specs, this.clock());
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    this.ensureOpen();
    return describe(this.catalog.get(name));
  }

  async listTopics(): Promise<TopicDescription[]> {
    this.ensureOpen();
    return this.catalog.list().map(describe);
  }

  append(request: AppendRequest): Promise<AppendResult> {
    try {
      this.ensureOpen();
      return this.writer.append(planAppend(request, this.catalog, this.partitioner, this.clock()));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async read(
    topic: string,
    partition: number,
    offset: number,
    options: ReadOptions = {},
  ): Promise<LogRecord[]> {
    this.ensureOpen();
    const stored = this.catalog.get(topic);
    const deadline = Date.now() + (options.maxWaitMs ?? 0);
    for (;;) {
      const records = this.reader.read(stored, partition, offset, options);
      const left = deadline - Date.now();
      if (records.length > 0 || left <= 0 || this.closed) return records;
      await this.signal.wait(left);
    }
  }

  async readKey(topic: string, key: string, afterVersion = 0): Promise<LogRecord[]> {
    this.ensureOpen();
    return this.reader.readKey(this.catalog.get(topic), key, afterVersion);
  }

  async readLatest(topic: string, key: string): Promise<LogRecord | null> {
    this.ensureOpen();
    return this.reader.readLatest(this.catalog.get(topic), key);
  }

  async keyVersions(topic: string, keys: readonly string[]): Promise<Map<string, number>> {
    this.ensureOpen();
    const stored = this.catalog.get(topic);
    return new Map(keys.map((k) => [k, this.reader.keyVersion(stored, k)]));
  }

  async offsets(topic: string): Promise<PartitionOffsets[]> {
    this.ensureOpen();
    return this.reader.offsets(this.catalog.get(topic));
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
    this.groups.commitOffsets(groupId, memberId, generation, offsets);
  }

  async fetchOffsets(groupId: string, topic?: string): Promise<CommittedOffset[]> {
    this.ensureOpen();
    return this.groups.fetchOffsets(groupId, topic);
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    this.ensureOpen();
    return this.groups.describe(groupId);
  }

  async listGroups(): Promise<string[]> {
    this.ensureOpen();
    return this.groups.list();
  }

  /** What durability this connection really runs with, read back from SQLite. */
  storage(): { file: string; journalMode: string; synchronous: string } {
    this.ensureOpen();
    const codes = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];
    return {
      file: this.db.name,
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: codes[this.db.pragma('synchronous', { simple: true }) as number],
    };
  }

  /** Compacts and applies retention now (all topics, or one); the background cleaner does the same periodically. */
  async clean(topic?: string): Promise<CleanerStats> {
    this.ensureOpen();
    return this.cleaner.clean(topic);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.writer.flush();
    this.closed = true;
    this.cleaner.stop();
    this.signal.close();
    this.db.close();
  }

  private ensureOpen(): void {
    if (this.closed)
      throw new UnavailableError('This SqliteEventLog is closed. Open a new one.', {}, 'LOG_CLOSED');
  }
}

function describe(t: TopicDescription): TopicDescription {
  return { name: t.name, partitions: t.partitions, config: t.config, keyIndex: t.keyIndex };
}
