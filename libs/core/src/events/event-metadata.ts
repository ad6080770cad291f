import { RecordHeaders } from '../log/record';

/** What is known about one event besides its payload. Written to record headers; read back with the event. */
export interface EventMetadata {
  readonly eventId: string;
  /** Stable type name from @Event. */
  readonly type: string;
  /** Schema version the event was written with (the class's current version once upcast on read). */
  readonly schemaVersion: number;
  readonly aggregate: string;
  readonly aggregateId: string;
  /** 1-based position of the event in its aggregate's stream (the keyVersion in `<aggregate>.events`). */
  readonly aggregateVersion: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  /** Shared by everything one original request caused, across commands, events and reactions. */
  readonly correlationId: string;
  /** Id of the message (command or event) that directly caused this event; null if none is known. */
  readonly causationId: string | null;
  /** Headers the application attached (never starting with `eventline.`). */
  readonly headers: RecordHeaders;
}

const metadataByEvent = new WeakMap<object, EventMetadata>();
/**
 * Where metadata sits on an event that is still extensible when it is attached (the read path attaches
 * before freezing): a non-enumerable symbol property, invisible to JSON, spreads and equality, and
 * much cheaper for the garbage collector than a WeakMap entry per replayed event.
 */
const METADATA = Symbol('eventline.metadata');

/**
 * Associates metadata with an event instance; used by the framework when it records or reads events.
 * Metadata that is already frozen, headers included, is kept as is (the read path builds it so).
 */
export function attachEventMetadata(event: object, metadata: EventMetadata): void {
  const frozen =
    Object.isFrozen(metadata) && Object.isFrozen(metadata.headers)
      ? metadata
      : Object.freeze({ ...metadata, headers: Object.freeze({ ...metadata.headers }) });
  if (Object.isExtensible(event) && !Object.prototype.hasOwnProperty.call(event, METADATA)) {
    Object.defineProperty(event, METADATA, { value: frozen });
  } else metadataByEvent.set(event, frozen);
}

/**
 * The metadata of an event that was loaded, appended or published by Eventline; undefined for an event
 * the framework has not seen (e.g. one just constructed in a test).
 *
 * @example
 * @EventsHandler(Deposited) class Audit { handle(e: Deposited) { log(eventMetadataOf(e)?.correlationId) } }
 */
export function eventMetadataOf(event: object): EventMetadata | undefined {
  return metadataByEvent.get(event) ?? (event as { [METADATA]?: EventMetadata })[METADATA];
}
