import { EventSerializer } from '../serialization/event-serializer';
import { EventHeaders } from '../serialization/event-headers';
import { LogRecord, TopicPartition } from '../log/record';
import { ProjectionDefinition } from './projection-definition';
import { ProjectionContext } from './projection-context';
import { ProjectionHandlerError, ProjectionVersionMismatchError } from './projection-errors';
import { canPark, ProjectionCheckpoint, ReadModelStore, ReadModelTransaction } from './read-model-store';
import { partitionId } from './projection-status';
import { CommandDispatcher, dispatchFor } from './command-dispatcher';
import { ParkedEvent, parkedKeyId, positionId } from './parked-event';
import { BatchBuffers } from './batch-buffers';

/** The records fetched from one partition, in offset order. */
export interface PartitionRecords extends TopicPartition {
  readonly records: readonly LogRecord[];
}

/** What applying records needs besides the records: the projection instance and how to decode and dispatch. */
export interface BatchHandlers {
  readonly projection: object;
  readonly definition: ProjectionDefinition;
  readonly serializer: EventSerializer;
  readonly dispatcher?: CommandDispatcher;
  /** Set when poison events are parked (see BatchParking). */
  readonly parking?: BatchParking;
}

/** Parking in one batch attempt. */
export interface BatchParking {
  /** Records (positionId → last error) to park instead of applying: their handler kept failing. */
  readonly failing: ReadonlyMap<string, string>;
  /** Filled with what the attempt parked; valid once its transaction committed. */
  readonly parked: ParkedEvent[];
  readonly clock: () => number;
}

/**
 * Applies one batch in ONE read-model transaction: reads the checkpoints under the store's lock,
 * skips records below them (a redelivery applies nothing twice), runs the @On handlers in
 * per-partition order and saves the new checkpoints before the commit. Records of types the
 * projection does not handle, and tombstones, are skipped but still checkpointed.
 *
 * Resolves with the next offset of every partition in the batch, as committed.
 */
export async function applyProjectionBatch<M>(
  projection: object,
  definition: ProjectionDefinition,
  serializer: EventSerializer,
  store: ReadModelStore<M>,
  batch: readonly PartitionRecords[],
  dispatcher?: CommandDispatcher,
): Promise<Map<string, number>> {
  return store.transaction((tx) =>
    applyBatchInTransaction(tx, { projection, definition, serializer, dispatcher }, batch),
  );
}

/**
 * applyProjectionBatch inside a transaction the caller opened (a rebuild's switch-over applies its
 * last records so). With `handlers.parking`, records of parked keys are parked behind them, and the
 * `failing` ones are parked instead of applied.
 */
export async function applyBatchInTransaction<M>(
  tx: ReadModelTransaction<M>,
  handlers: BatchHandlers,
  batch: readonly PartitionRecords[],
): Promise<Map<string, number>> {
  const { definition, parking } = handlers;
  const stored = await tx.loadCheckpoints(definition.name, batch);
  const parkingTx = parking && canPark(tx) ? tx : undefined;
  const parkedKeys = parkingTx ? await parkingTx.parkedKeys(definition.name) : undefined;
  const parked: ParkedEvent[] = [];
  const buffers = new BatchBuffers<M>();
  const from = new Map(stored.map((cp) => [partitionId(cp), cp]));
  const next = new Map<string, number>();
  const saves: ProjectionCheckpoint[] = [];
  for (const part of batch) {
    const checkpoint = from.get(partitionId(part));
    if (checkpoint && checkpoint.version !== definition.version) {
      throw new ProjectionVersionMismatchError(definition.name, checkpoint.version, definition.version);
    }
    const start = checkpoint?.nextOffset ?? 0;
    let position = start;
    for (const record of part.records) {
      if (record.offset < position) continue;
      position = record.offset + 1;
      const type = handledType(definition, record);
      if (type === undefined) continue;
      if (parking && parkedKeys) {
        const keyId = record.key === null ? undefined : parkedKeyId(record.topic, record.key);
        if (keyId && parkedKeys.has(keyId)) {
          parked.push(
            parkedOf(definition, record, type, 'waiting', 'waits behind a parked event of its key', parking),
          );
          continue;
        }
        const failure = parking.failing.get(positionId(record));
        if (failure !== undefined) {
          parked.push(parkedOf(definition, record, type, 'failed', failure, parking));
          if (keyId) parkedKeys.add(keyId);
          continue;
        }
      }
      await applyRecord(handlers, tx, record, type, buffers);
    }
    next.set(partitionId(part), position);
    if (position > start) {
      saves.push({
        projection: definition.name,
        topic: part.topic,
        partition: part.partition,
        nextOffset: position,
        version: definition.version,
      });
    }
  }
  await buffers.flush(tx.manager);
  if (parked.length > 0 && parkingTx && parking) {
    await parkingTx.park(parked);
    parking.parked.push(...parked);
  }
  if (saves.length > 0) await tx.saveCheckpoints(saves);
  return next;
}

/** The stored event type of a record the projection handles; undefined for others and tombstones. */
export function handledType(definition: ProjectionDefinition, record: LogRecord): string | undefined {
  const type = record.headers[EventHeaders.type];
  if (type === undefined || record.value === null || !definition.handlers.has(type)) return undefined;
  return type;
}

/** Runs the @On handler of one record; its failure becomes a ProjectionHandlerError naming the record. */
export async function applyRecord<M>(
  { projection, definition, serializer, dispatcher }: BatchHandlers,
  tx: ReadModelTransaction<M>,
  record: LogRecord,
  type: string,
  buffers: BatchBuffers<M>,
): Promise<void> {
  const handler = definition.handlers.get(type)!;
  try {
    const { event, metadata } = serializer.deserialize(record);
    const context: ProjectionContext<M> = {
      projection: definition.name,
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      key: record.key,
      timestamp: record.timestamp,
      headers: record.headers,
      metadata,
      transaction: tx,
      manager: tx.manager,
      dispatch: dispatchFor(definition.name, metadata, dispatcher),
      buffer: buffers.use,
    };
    const method = (projection as Record<string | symbol, unknown>)[handler.method] as (
      event: object,
      ctx: ProjectionContext<M>,
    ) => unknown;
    await method.call(projection, event, context);
  } catch (error) {
    throw new ProjectionHandlerError(definition.name, record, type, error);
  }
}

function parkedOf(
  definition: ProjectionDefinition,
  record: LogRecord,
  type: string,
  reason: ParkedEvent['reason'],
  error: string,
  parking: BatchParking,
): ParkedEvent {
  const { topic, partition, offset, key } = record;
  return {
    projection: definition.name,
    topic,
    partition,
    offset,
    key,
    type,
    reason,
    error,
    parkedAt: parking.clock(),
  };
}
