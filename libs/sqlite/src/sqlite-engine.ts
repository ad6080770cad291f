import { EventlineEngine } from '@eventline/core';
import { SqliteEventLog, SqliteEventLogOptions } from './sqlite-event-log';

/**
 * The embedded engine for `EventlineModule.forRoot({ engine: sqliteEngine({ file }) })`.
 * The module opens the log at start-up and closes it on shutdown.
 */
export function sqliteEngine(options: SqliteEventLogOptions): EventlineEngine {
  return { open: () => SqliteEventLog.open(options) };
}
