import { RecordPosition } from '../log/record';
import { EventMetadata } from './event-metadata';

/** An event as read from or written to the log: the frozen instance, its metadata and where it sits. */
export interface EventEnvelope<E extends object = object> {
  readonly event: E;
  readonly metadata: EventMetadata;
  readonly position?: RecordPosition;
}
