import { EventSerializer } from '../serialization/event-serializer';
import { EventHeaders } from '../serialization/event-headers';
import { LogRecord, TopicPartition } from '../log/record';
import { ProjectionDefinition } from './projection-definition';
import { ProjectionContext } from './projection-context';
import { ProjectionVersionMismatchError } from './projection-errors';
import { ProjectionCheckpoint, ReadModelStore, ReadModelTransaction } from './read-model-store';
import { partitionId } from './projection-status';
import { CommandDispatcher, DispatchOptions, dispatchKey } from './command-dispatcher';
import { CommandReceipt } from '../commands/command-receipt';
import { EventMetadata } from '../events/event-metadata';
import { MessageContexts } from '../messaging/message-context';
import { DefinitionError } from '../errors';

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
  dispatcher?: CommandDispatcher,
): Promise<Map<string, number>> {
  return store.transaction((tx) =>
    applyBatchInTransaction(tx, { projection, definition, serializer, dispatcher }, batch),
  );
}

/** What applying records needs besides the records: the projection instance and how to decode and dispatch. */
export interface BatchHandlers {
  readonly projection: object;
  readonly definition: ProjectionDefinition;
  readonly serializer: EventSerializer;
  readonly dispatcher?: CommandDispatcher;
}

/** applyProjectionBatch inside a transaction the caller opened (a rebuild's switch-over applies its last records so). */
export async function applyBatchInTransaction<M>(
  tx: ReadModelTransaction<M>,
  handlers: BatchHandlers,
  batch: readonly PartitionRecords[],
): Promise<Map<string, number>> {
  const { definition } = handlers;
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
      await applyRecord(handlers, tx, record);
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
}

async function applyRecord<M>(
  { projection, definition, serializer, dispatcher }: BatchHandlers,
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
    dispatch: dispatchFor(definition.name, metadata, dispatcher),
  };
  const method = (projection as Record<string | symbol, unknown>)[handler.method] as (
    event: object,
    ctx: ProjectionContext<M>,
  ) => unknown;
  await method.call(projection, event, context);
}

/** ctx.dispatch of one record: numbered steps, keys derived from the event, the event as cause. */
function dispatchFor(
  projection: string,
  metadata: EventMetadata,
  dispatcher: CommandDispatcher | undefined,
): ProjectionContext['dispatch'] {
  let ordinal = 0;
  return async <R>(command: object, options: DispatchOptions = {}): Promise<CommandReceipt<R>> => {
    ordinal += 1;
    if (!dispatcher) {
      throw new DefinitionError(
        `Projection "${projection}" dispatched ${command.constructor.name}, but its runner has no command dispatcher: run it through EventlineModule (or pass \`dispatcher\` to ProjectionRunner).`,
        { projection },
      );
    }
    const idempotencyKey = dispatchKey(projection, metadata.eventId, options.step ?? String(ordinal));
    const cause = {
      messageId: metadata.eventId,
      correlationId: metadata.correlationId,
      causationId: metadata.causationId,
      headers: metadata.headers,
    };
    return (await MessageContexts.run(cause, () =>
      dispatcher(command, { idempotencyKey }),
    )) as CommandReceipt<R>;
  };
}
