/** @eventline/sqlite — the embedded EventLog on one SQLite file (the default engine). */
export { SqliteEventLog } from './sqlite-event-log';
export { sqliteEngine } from './sqlite-engine';
export type { SqliteEventLogOptions } from './sqlite-event-log';
export type { Synchronous } from './open-database';
export type { CleanerStats } from './cleaner/log-cleaner';
