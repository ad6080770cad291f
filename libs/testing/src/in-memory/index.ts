export { InMemoryEventLog } from './in-memory-event-log';
export type { InMemoryEventLogOptions } from './in-memory-event-log';
export type { InMemoryCleanStats } from './in-memory-cleaner';
