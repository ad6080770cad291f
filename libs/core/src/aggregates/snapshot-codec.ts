import { LogRecord, ProducerRecord } from '../log/record';
import { EventHeaders } from '../serialization/event-headers';
import { AggregateDefinition } from './aggregate-definition';
import { AggregateInternals, AggregateRoot } from './aggregate-root';

const SNAPSHOT_VERSION_HEADER = 'eventline.snapshot-version';

export interface DecodedSnapshot {
  /** Aggregate version the state is at. */
  readonly version: number;
  readonly state: unknown;
}

/** Snapshots as records of `<aggregate>.state`: JSON state, the aggregate version in a header. */
export const SnapshotCodec = Object.freeze({
  encode(
    definition: AggregateDefinition,
    aggregate: AggregateRoot,
    version: number,
    timestamp: number,
  ): ProducerRecord {
    return {
      topic: definition.stateTopic,
      key: aggregate.id,
      value: Buffer.from(AggregateInternals.snapshotJson(aggregate), 'utf8'),
      headers: {
        [EventHeaders.aggregate]: definition.name,
        [EventHeaders.aggregateId]: aggregate.id,
        [EventHeaders.aggregateVersion]: String(version),
        [SNAPSHOT_VERSION_HEADER]: String(definition.snapshotVersion),
      },
      timestamp,
    };
  },

  /** The snapshot in a state record, or null for a tombstone or a snapshot of another shape version. */
  decode(definition: AggregateDefinition, record: LogRecord): DecodedSnapshot | null {
    if (record.value === null) return null;
    if (Number(record.headers[SNAPSHOT_VERSION_HEADER]) !== definition.snapshotVersion) return null;
    const version = Number(record.headers[EventHeaders.aggregateVersion]);
    if (!Number.isSafeInteger(version) || version < 1) return null;
    return { version, state: JSON.parse(record.value.toString('utf8')) };
  },
});
