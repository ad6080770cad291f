import { EventSerializer } from '../serialization/event-serializer';
import { EventHeaders } from '../serialization/event-headers';
import { LogRecord, TopicPartition } from '../log/record';
import { ProjectionDefinition } from './projection-definition';
import { ProjectionContext } from './projection-context';
import { ProjectionVersionMismatchError } from './projection-errors';
import { ProjectionCheckpoint, ReadModelStore, ReadModelTransaction } from './read-model-store';
import { partitionId } from './projection-status';

/** The records fetched from one partition, in offset order. */
export interface PartitionRecords extends TopicPartition {
  readonly records: readonly LogRecord[];
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
): Promise<Map<string, number>> {
  return store.transaction(async (tx) => {
    const stored = await tx.loadCheckpoints(definition.name, batch);
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
        await applyRecord(projection, definition, serializer, tx, record);
        position = record.offset + 1;
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
    if (saves.length > 0) await tx.saveCheckpoints(saves);
    return next;
  });
}

async function applyRecord<M>(
  projection: object,
  definition: ProjectionDefinition,
  serializer: EventSerializer,
  tx: ReadModelTransaction<M>,
  record: LogRecord,
): Promise<void> {
  const type = record.headers[EventHeaders.type];
  const handler = type === undefined ? undefined : definition.handlers.get(type);
  if (!handler || record.value === null) return;
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
  };
  const method = (projection as Record<string | symbol, unknown>)[handler.method] as (
    event: object,
    ctx: ProjectionContext<M>,
  ) => unknown;
  await method.call(projection, event, context);
}
