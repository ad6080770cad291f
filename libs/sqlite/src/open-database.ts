import Database from 'better-sqlite3';
import { UnavailableError } from '@eventline/core';
import { migrate } from './schema';

export type Synchronous = 'FULL' | 'EXTRA';

export interface OpenDatabaseOptions {
  readonly file: string;
  /** How long a writer waits for another process's write lock before failing (ms). */
  readonly busyTimeoutMs?: number;
  /**
   * SQLite `synchronous` in WAL mode. FULL (default) fsyncs the WAL on every commit, so an
   * acknowledged append survives an OS crash or power loss; EXTRA also syncs the directory.
   * NORMAL is deliberately not offered: it can lose acknowledged commits.
   */
  readonly synchronous?: Synchronous;
}

const SYNCHRONOUS_CODES: Record<Synchronous, number> = { FULL: 2, EXTRA: 3 };

/**
 * Opens the log database with the durability pragmas set on THIS connection and read back:
 * better-sqlite3 re-opens WAL databases with synchronous=NORMAL otherwise.
 */
export function openDatabase(options: OpenDatabaseOptions): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(options.file);
  } catch (error) {
    throw new UnavailableError(
      `Cannot open the Eventline database "${options.file}": ${(error as Error).message}. Check the path and its permissions.`,
      { file: options.file },
    );
  }
  const synchronous = options.synchronous ?? 'FULL';
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal' && options.file !== ':memory:') {
    db.close();
    throw new UnavailableError(`"${options.file}" could not be switched to WAL mode (got ${mode}).`, {
      file: options.file,
    });
  }
  db.pragma(`synchronous = ${synchronous}`);
  const effective = db.pragma('synchronous', { simple: true });
  if (effective !== SYNCHRONOUS_CODES[synchronous]) {
    db.close();
    throw new UnavailableError(`SQLite refused synchronous=${synchronous} (reads back ${effective}).`, {
      file: options.file,
    });
  }
  db.pragma('foreign_keys = OFF');
  db.pragma('cache_size = -65536');
  try {
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
