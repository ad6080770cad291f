import { DefinitionError, ValidationError } from '../errors';
import { deepFreeze } from '../events/deep-freeze';
import { eventDefinitionOf } from '../events/event-class';
import { EventEnvelope } from '../events/event-envelope';
import { attachEventMetadata, EventMetadata } from '../events/event-metadata';
import { LogRecord, RecordHeaders } from '../log/record';
import { EventHeaders, RESERVED_HEADER_PREFIX } from './event-headers';
import { EventTypeRegistry } from './event-type-registry';
import { EventPayload } from './upcaster';
import { UpcasterChain } from './upcaster-chain';

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

  /** A stored event record as a frozen instance of its current class, with its metadata and position. */
  deserialize(
    record: Pick<LogRecord, 'value' | 'headers' | 'timestamp' | 'keyVersion'> & Partial<LogRecord>,
  ): EventEnvelope {
    const header = (name: string): string => {
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
    };
    const type = header(EventHeaders.type);
    const storedVersion = Number(header(EventHeaders.schemaVersion));
    const cls = this.registry.classOf(type);
    const { version } = eventDefinitionOf(cls);
    if (record.value === null)
      throw new DefinitionError(`Record ${describe(record)} of type "${type}" has no value.`);
    const stored = JSON.parse(record.value.toString('utf8')) as EventPayload;
    const payload =
      storedVersion < version ? this.upcasters.upcast(type, storedVersion, version, stored) : stored;
    const event = deepFreeze(Object.assign(Object.create(cls.prototype) as object, payload));

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(record.headers)) {
      if (!name.startsWith(RESERVED_HEADER_PREFIX)) headers[name] = value;
    }
    const metadata: EventMetadata = {
      eventId: header(EventHeaders.eventId),
      type,
      schemaVersion: version,
      aggregate: header(EventHeaders.aggregate),
      aggregateId: header(EventHeaders.aggregateId),
      aggregateVersion: record.keyVersion ?? Number(header(EventHeaders.aggregateVersion)),
      timestamp: record.timestamp,
      correlationId: header(EventHeaders.correlationId),
      causationId: record.headers[EventHeaders.causationId] ?? null,
      headers,
    };
    attachEventMetadata(event, metadata);
    const position =
      record.topic !== undefined && record.partition !== undefined && record.offset !== undefined
        ? { topic: record.topic, partition: record.partition, offset: record.offset }
        : undefined;
    return { event, metadata, ...(position ? { position } : {}) };
  }
}

function describe(record: Partial<LogRecord>): string {
  return record.topic !== undefined
    ? `${record.topic}/${record.partition}@${record.offset}`
    : '(unpositioned)';
}
