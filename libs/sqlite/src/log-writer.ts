import type Database from 'better-sqlite3';
import { AppendedRecord, AppendResult, ConcurrencyError, UnavailableError } from '@eventline/core';
import { AppendPlan } from './append-plan';

interface Pending {
  readonly plan: AppendPlan;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Writes appends with group commit: every append queued in the same turn of the event loop
 * goes into ONE write transaction (one fsync), each in its own savepoint so a failed
 * expectation rejects only its own append. Promises settle only after COMMIT returned, so an
 * acknowledged append is as durable as `synchronous` makes a commit.
 */
export class LogWriter {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly statements;
  private readonly writeOne: (plan: AppendPlan) => AppendedRecord[];

  constructor(
    private readonly db: Database.Database,
    private readonly onCommit: () => void,
  ) {
    this.statements = {
      version: db.prepare('SELECT version FROM key_versions WHERE topic_id = ? AND key = ?').pluck(),
      endOffset: db.prepare('SELECT end_offset FROM partitions WHERE topic_id = ? AND partition = ?').pluck(),
      setEndOffset: db.prepare('UPDATE partitions SET end_offset = ? WHERE topic_id = ? AND partition = ?'),
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
    // Nested db.transaction() calls run as savepoints inside the group's transaction.
    this.writeOne = db.transaction((plan: AppendPlan) => this.write(plan));
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
    const outcomes: Array<{ ok: true; records: AppendedRecord[] } | { ok: false; error: unknown }> = [];
    try {
      this.db
        .transaction(() => {
          for (const pending of batch) {
            try {
              outcomes.push({ ok: true, records: this.writeOne(pending.plan) });
            } catch (error) {
              outcomes.push({ ok: false, error });
            }
          }
        })
        .immediate();
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

  private write(plan: AppendPlan): AppendedRecord[] {
    const s = this.statements;
    // Latest version per topic+key as this append moves it on; written back once per distinct key.
    const keys = new Map<string, KeyState>();
    const keyState = (topicId: number, key: string): KeyState => {
      const id = `${topicId}\u0000${key}`;
      let state = keys.get(id);
      if (!state) {
        const version = (s.version.get(topicId, key) as number | undefined) ?? 0;
        state = { topicId, key, version, partition: -1, offset: -1 };
        keys.set(id, state);
      }
      return state;
    };
    for (const { topicId, expectation } of plan.expectations) {
      const actual = keyState(topicId, expectation.key).version;
      if (actual !== expectation.version) {
        throw new ConcurrencyError(expectation.topic, expectation.key, expectation.version, actual);
      }
    }
    const nextOffsets = new Map<string, { topicId: number; partition: number; next: number }>();
    const appended = plan.records.map((r): AppendedRecord => {
      const tp = `${r.topicId}:${r.partition}`;
      let cursor = nextOffsets.get(tp);
      if (!cursor) {
        cursor = {
          topicId: r.topicId,
          partition: r.partition,
          next: s.endOffset.get(r.topicId, r.partition) as number,
        };
        nextOffsets.set(tp, cursor);
      }
      const offset = cursor.next++;
      let keyVersion: number | null = null;
      if (r.key !== null) {
        const state = keyState(r.topicId, r.key);
        keyVersion = ++state.version;
        state.partition = r.partition;
        state.offset = offset;
      }
      s.insert.run(
        r.topicId,
        r.partition,
        offset,
        r.key,
        keyVersion,
        r.value,
        r.headers,
        r.timestamp,
        r.keyIndexed ? 1 : null,
      );
      return { topic: r.topic, partition: r.partition, offset, key: r.key, keyVersion };
    });
    for (const k of keys.values()) {
      if (k.offset >= 0) s.upsertVersion.run(k.topicId, k.key, k.version, k.partition, k.offset);
    }
    for (const c of nextOffsets.values()) s.setEndOffset.run(c.next, c.topicId, c.partition);
    return appended;
  }
}

interface KeyState {
  readonly topicId: number;
  readonly key: string;
  version: number;
  /** Where the key's latest record of this append went; -1 while the append wrote none. */
  partition: number;
  offset: number;
}
