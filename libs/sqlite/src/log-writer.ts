import type Database from 'better-sqlite3';
import { AppendedRecord, AppendResult, ConcurrencyError, UnavailableError } from '@eventline/core';
import { AppendPlan, PlannedRecord } from './append-plan';

interface Pending {
  readonly plan: AppendPlan;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/** Next offset of each partition an append group wrote to; written back once when the group ends. */
type Cursors = Map<number, Map<number, { next: number }>>;

type Outcome = { ok: true; records: AppendedRecord[] } | { ok: false; error: unknown };

/**
 * Writes appends with group commit: every append queued in the same turn of the event loop goes
 * into ONE write transaction (one fsync). An append whose expectation fails is refused before it
 * writes anything, so it needs no savepoint and leaves the others alone; any other failure rolls
 * the whole group back. Promises settle only after COMMIT returned, so an acknowledged append is
 * as durable as `synchronous` makes a commit.
 */
export class LogWriter {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly statements;
  /** The group's write transaction, made once: better-sqlite3 builds several wrapper functions per `transaction()` call. */
  private readonly writeGroup: Database.Transaction<(batch: readonly Pending[]) => Outcome[]>;

  constructor(
    private readonly db: Database.Database,
    private readonly onCommit: () => void,
  ) {
    this.statements = {
      version: db.prepare('SELECT version FROM key_versions WHERE topic_id = ? AND key = ?').pluck(),
      endOffset: db.prepare('SELECT end_offset FROM partitions WHERE topic_id = ? AND partition = ?').pluck(),
      setEndOffset: db.prepare('UPDATE partitions SET end_offset = ? WHERE topic_id = ? AND partition = ?'),
      // A read and a plain upsert measured cheaper than one upsert with RETURNING (2.4 vs 2.7 µs a key).
      upsertVersion: db.prepare(
        `INSERT INTO key_versions (topic_id, key, version, partition, last_offset) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (topic_id, key) DO UPDATE SET version = excluded.version, partition = excluded.partition,
         last_offset = excluded.last_offset`,
      ),
      insert: db.prepare(
        `INSERT INTO records (topic_id, partition, offset, key, key_version, value, headers, timestamp, key_indexed)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
    this.writeGroup = db.transaction((batch: readonly Pending[]) => {
      const outcomes: Outcome[] = [];
      const cursors: Cursors = new Map();
      for (const pending of batch) {
        try {
          outcomes.push({ ok: true, records: this.write(pending.plan, cursors) });
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
          outcomes.push({ ok: false, error });
        }
      }
      for (const [topicId, partitions] of cursors) {
        for (const [partition, cursor] of partitions)
          this.statements.setEndOffset.run(cursor.next, topicId, partition);
      }
      return outcomes;
    });
  }

  append(plan: AppendPlan): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ plan, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes everything queued now, in one transaction. */
  flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    if (batch.length === 0) return;
    let outcomes: Outcome[];
    try {
      outcomes = this.writeGroup.immediate(batch);
    } catch (error) {
      const failure = new UnavailableError(
        `The log database could not commit (${(error as Error).message}); nothing of these appends was written. Retry.`,
        { cause: (error as Error).message },
      );
      for (const pending of batch) pending.reject(failure);
      return;
    }
    this.onCommit();
    batch.forEach((pending, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) pending.resolve({ records: outcome.records });
      else pending.reject(outcome.error);
    });
  }

  private write(plan: AppendPlan, cursors: Cursors): AppendedRecord[] {
    const s = this.statements;
    // Expectations first: a refused append must not have written anything.
    for (const { topicId, expectation } of plan.expectations) {
      const actual = (s.version.get(topicId, expectation.key) as number | undefined) ?? 0;
      if (actual !== expectation.version) {
        throw new ConcurrencyError(expectation.topic, expectation.key, expectation.version, actual);
      }
    }
    const records = plan.records;
    const offsets = records.map((r) => this.nextOffset(cursors, r.topicId, r.partition));
    const versions = this.bumpVersions(records, offsets);
    records.forEach((r, i) =>
      s.insert.run(
        r.topicId,
        r.partition,
        offsets[i],
        r.key,
        versions[i],
        r.value,
        r.headers,
        r.timestamp,
        r.keyIndexed ? 1 : null,
      ),
    );
    return records.map((r, i): AppendedRecord => ({
      topic: r.topic,
      partition: r.partition,
      offset: offsets[i],
      key: r.key,
      keyVersion: versions[i],
    }));
  }

  private nextOffset(cursors: Cursors, topicId: number, partition: number): number {
    let partitions = cursors.get(topicId);
    if (!partitions) cursors.set(topicId, (partitions = new Map()));
    let cursor = partitions.get(partition);
    if (!cursor) {
      cursor = { next: this.statements.endOffset.get(topicId, partition) as number };
      partitions.set(partition, cursor);
    }
    return cursor.next++;
  }

  /** Key version of each record (null if unkeyed): key_versions moves once per distinct key. */
  private bumpVersions(records: readonly PlannedRecord[], offsets: readonly number[]): Array<number | null> {
    const byKey = new Map<number, Map<string, number[]>>(); // topic → key → record indexes
    records.forEach((r, i) => {
      if (r.key === null) return;
      let keys = byKey.get(r.topicId);
      if (!keys) byKey.set(r.topicId, (keys = new Map()));
      const indexes = keys.get(r.key);
      if (indexes) indexes.push(i);
      else keys.set(r.key, [i]);
    });
    const versions: Array<number | null> = new Array(records.length).fill(null);
    for (const [topicId, keys] of byKey) {
      for (const [key, indexes] of keys) {
        const last = indexes[indexes.length - 1];
        const before = (this.statements.version.get(topicId, key) as number | undefined) ?? 0;
        indexes.forEach((index, n) => (versions[index] = before + 1 + n));
        this.statements.upsertVersion.run(
          topicId,
          key,
          before + indexes.length,
          records[last].partition,
          offsets[last],
        );
      }
    }
    return versions;
  }
}
