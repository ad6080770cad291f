import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CommandPipeline, EventLog, EventStore, IdempotencyStore } from '@eventline/core';
import { SqliteEventLog } from '@eventline/sqlite';
import { Account, depositedV1toV2 } from '../bank/account';

/** A fresh database file in its own temp directory. */
export function tempDbFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'eventline-write-side-')), 'eventline.db');
}

export interface WriteSide {
  readonly log: EventLog;
  readonly store: EventStore;
  readonly pipeline: CommandPipeline;
}

/** The write side without Nest: what EventlineModule assembles, on a real SQLite log. */
export async function openWriteSide(
  file: string,
  options: { snapshotEvery?: number; concurrencyRetries?: number; log?: EventLog; cacheSize?: number } = {},
): Promise<WriteSide> {
  const log = options.log ?? SqliteEventLog.open({ file });
  const store = new EventStore({
    log,
    types: [Account],
    upcasters: [depositedV1toV2],
    snapshotEvery: options.snapshotEvery ?? 0,
    cacheSize: options.cacheSize,
    partitions: 4,
  });
  const idempotency = new IdempotencyStore(log, undefined, 4);
  await store.provisionTopics([idempotency.topicSpec()]);
  return {
    log,
    store,
    pipeline: new CommandPipeline(store, idempotency, {
      concurrencyRetries: options.concurrencyRetries ?? 0,
    }),
  };
}
