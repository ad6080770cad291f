import { resolve } from 'node:path';
import { DataSource } from 'typeorm';

/**
 * TypeORM's SQLite drivers share ONE connection per DataSource: two transactions started at once
 * would interleave on it (the second becomes a savepoint of the first). And better-sqlite3 waits
 * for a busy database synchronously, so a second connection to the same file in the same process
 * would block the thread while the first one's transaction waits for that thread to commit: a
 * deadlock until busy_timeout. So transactions on one SQLite file run one after another within a
 * process; other processes are kept apart by SQLite's write lock.
 */
const tails = new Map<string, Promise<unknown>>();

export function serialized<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const key = queueKey(dataSource);
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(work, work);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return run;
}

const ids = new WeakMap<DataSource, string>();
let nextId = 0;

function queueKey(dataSource: DataSource): string {
  const database = (dataSource.options as { database?: unknown }).database;
  if (typeof database === 'string' && database !== '' && database !== ':memory:')
    return `file:${resolve(database)}`;
  let id = ids.get(dataSource);
  if (!id) ids.set(dataSource, (id = `ds:${(nextId += 1)}`));
  return id;
}

export function isSqlite(dataSource: DataSource): boolean {
  return ['better-sqlite3', 'sqlite', 'sqljs', 'capacitor', 'cordova', 'expo', 'react-native'].includes(
    dataSource.options.type,
  );
}
