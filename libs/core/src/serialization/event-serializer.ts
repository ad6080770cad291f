import { DefinitionError, ValidationError } from '../errors';
import { deepFreeze } from '../events/deep-freeze';
import { freezeParsedJson } from './freeze-parsed-json';
import { eventDefinitionOf } from '../events/event-class';
import { EventEnvelope } from '../events/event-envelope';
import { attachEventMetadata, EventMetadata } from '../events/event-metadata';
import { LogRecord, RecordHeaders } from '../log/record';
import { EventHeaders, RESERVED_HEADER_PREFIX } from './event-headers';
import { EventTypeRegistry } from './event-type-registry';
import { EventPayload } from './upcaster';
import { UpcasterChain } from './upcaster-chain';
import { assignOwnProperties } from './assign-own-properties';

/** The parts of a log record an event becomes. */
export interface SerializedEvent {
  readonly value: Buffer;
  readonly headers: RecordHeaders;
  readonly timestamp: number;
}

/**
 * JSON serializer for events: payload = the event's own enumerable properties, metadata = record headers.
 * On read it resolves the class by type, upcasts old schema versions to the class's current one and
 * returns a deep-frozen instance (built without calling the constructor, which may validate or default).
 *
 * @example
 * const serializer = new EventSerializer(new EventTypeRegistry([Deposited]), new UpcasterChain([depositedV1toV2]));
 * const { event, metadata } = serializer.deserialize(record);
 */
export class EventSerializer {
  constructor(
    readonly registry: EventTypeRegistry,
    readonly upcasters: UpcasterChain = new UpcasterChain(),
  ) {}

  serialize(event: object, metadata: EventMetadata): SerializedEvent {
    const definition = this.registry.definitionOf(event);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(metadata.headers)) {
      if (name.startsWith(RESERVED_HEADER_PREFIX)) {
        throw new ValidationError(
          `Header "${name}" is reserved: application headers must not start with "${RESERVED_HEADER_PREFIX}".`,
          {
            header: name,
          },
          'RESERVED_HEADER',
        );
      }
      headers[name] = value;
    }
    headers[EventHeaders.eventId] = metadata.eventId;
    headers[EventHeaders.type] = definition.type;
    headers[EventHeaders.schemaVersion] = String(definition.version);
    headers[EventHeaders.aggregate] = metadata.aggregate;
    headers[EventHeaders.aggregateId] = metadata.aggregateId;
    headers[EventHeaders.aggregateVersion] = String(metadata.aggregateVersion);
    headers[EventHeaders.correlationId] = metadata.correlationId;
    if (metadata.causationId !== null) headers[EventHeaders.causationId] = metadata.causationId;
    return { value: Buffer.from(JSON.stringify(event), 'utf8'), headers, timestamp: metadata.timestamp };
  }

  /**
   * A stored event record as a frozen instance of its current class, with its metadata and position.
   * On the replay path: one pass over the headers, the metadata built once (frozen, attached as is),
   * a parsed payload frozen without a visited set (JSON has no cycles).
   */
  deserialize(
    record: Pick<LogRecord, 'value' | 'headers' | 'timestamp' | 'keyVersion'> & Partial<LogRecord>,
  ): EventEnvelope {
    const headers = record.headers;
    const type = required(record, EventHeaders.type);
    const storedVersion = Number(required(record, EventHeaders.schemaVersion));
    const cls = this.registry.classOf(type);
    const { version } = eventDefinitionOf(cls);
    if (record.value === null)
      throw new DefinitionError(`Record ${describe(record)} of type "${type}" has no value.`);
    const stored = JSON.parse(record.value.toString('utf8')) as EventPayload;
    const upcast = storedVersion < version;
    const payload = upcast ? this.upcasters.upcast(type, storedVersion, version, stored) : stored;
    const event = assignOwnProperties(Object.create(cls.prototype) as object, payload);

    const metadata: EventMetadata = Object.freeze({
      eventId: required(record, EventHeaders.eventId),
      type,
      schemaVersion: version,
      aggregate: required(record, EventHeaders.aggregate),
      aggregateId: required(record, EventHeaders.aggregateId),
      aggregateVersion: record.keyVersion ?? Number(required(record, EventHeaders.aggregateVersion)),
      timestamp: record.timestamp,
      correlationId: required(record, EventHeaders.correlationId),
      causationId: headers[EventHeaders.causationId] ?? null,
      headers: applicationHeaders(headers),
    });
    attachEventMetadata(event, metadata); // before freezing: it then sits on the instance
    // An upcaster may return anything (shared or cyclic objects): then the general deep freeze.
    if (upcast) deepFreeze(event);
    else freezeParsedJson(event);
    const { topic, partition, offset } = record;
    return topic !== undefined && partition !== undefined && offset !== undefined
      ? { event, metadata, position: { topic, partition, offset } }
      : { event, metadata };
  }
}

const NO_HEADERS: RecordHeaders = Object.freeze({});

/** The headers the application attached (frozen); one shared empty object when there are none. */
function applicationHeaders(headers: RecordHeaders): RecordHeaders {
  let own: Record<string, string> | undefined;
  for (const name in headers) {
    if (!name.startsWith(RESERVED_HEADER_PREFIX)) (own ??= {})[name] = headers[name];
  }
  return own ? Object.freeze(own) : NO_HEADERS;
}

function required(record: Pick<LogRecord, 'headers'> & Partial<LogRecord>, name: string): string {
  const value = record.headers[name];
  if (value === undefined) {
    throw new DefinitionError(
      `Record ${describe(record)} is not an Eventline event: header "${name}" is missing.`,
      {
        header: name,
      },
    );
  }
  return value;
}

function describe(record: Partial<LogRecord>): string {
  return record.topic !== undefined
    ? `${record.topic}/${record.partition}@${record.offset}`
    : '(unpositioned)';
}
