import Database from 'better-sqlite3';
import { EventlineError, UnavailableError } from '@eventline/core';

/**
 * An error to raise after COMMIT. Fencing a member (unknown, stale generation) must not roll back
 * what the same transaction did first, such as expiring dead members and rebalancing.
 */
export class RaiseAfterCommit {
  constructor(readonly error: EventlineError) {}
}

/**
 * Wraps `work` in BEGIN IMMEDIATE: the write lock is taken before the first read, so processes
 * racing on one group serialize, and none decides on a snapshot another has since changed
 * (a deferred transaction upgrading to write would fail with SQLITE_BUSY_SNAPSHOT instead).
 */
export function immediate<A extends unknown[], T>(
  db: Database.Database,
  work: (...args: A) => T | RaiseAfterCommit,
): (...args: A) => T {
  const transaction = db.transaction(work);
  return (...args: A): T => {
    let outcome: T | RaiseAfterCommit;
    try {
      outcome = transaction.immediate(...args);
    } catch (error) {
      if (error instanceof Database.SqliteError) {
        throw new UnavailableError(
          `The consumer-group tables could not be updated (${error.message}); nothing changed. Retry.`,
          { cause: error.code },
        );
      }
      throw error;
    }
    if (outcome instanceof RaiseAfterCommit) throw outcome.error;
    return outcome;
  };
}
