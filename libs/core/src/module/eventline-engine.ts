import { EventLog } from '../log/event-log';

/**
 * Opens the EventLog behind EventlineModule: `sqliteEngine({ file })` from `@eventline/sqlite`,
 * `kafkaEngine(...)` from `@eventline/kafka`. The module opens it at start-up and closes it on shutdown.
 */
export interface EventlineEngine {
  open(): EventLog | Promise<EventLog>;
}

export function isEventLog(value: unknown): value is EventLog {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as EventLog).append === 'function' &&
    typeof (value as EventLog).readKey === 'function'
  );
}
