import { EventLog } from '../log/event-log';
import { RecordPosition } from '../log/record';
import { DefinitionError } from '../errors';
import { applyRecord, BatchHandlers } from './projection-batch';
import { BatchBuffers } from './batch-buffers';
import { NothingParkedError, ProjectionHandlerError } from './projection-errors';
import { ParkedEvent } from './parked-event';
import { canPark, ParkingTransaction, ReadModelStore, ReadModelTransaction } from './read-model-store';

/** Which parked record: as listed by `parked()` (only position and key are used). */
export type ParkedRef = Pick<ParkedEvent, 'topic' | 'partition' | 'offset' | 'key'>;

/**
 * A projection's parked records: list, retry and skip. A retry applies the records of one key in
 * offset order in ONE read-model transaction under the partition's lock, so a live batch sees the
 * key either still parked (and parks behind it) or free, never half.
 */
export class ParkingLot<M = unknown> {
  constructor(
    private readonly handlers: BatchHandlers,
    private readonly store: ReadModelStore<M>,
    private readonly log: EventLog,
  ) {}

  private get name(): string {
    return this.handlers.definition.name;
  }

  async list(): Promise<ParkedEvent[]> {
    return this.store.parked ? this.store.parked(this.name) : [];
  }

  /**
   * Applies the parked records of `ref`'s key (for a null key: that record) in order and removes
   * them. Throws ProjectionHandlerError if one fails again; nothing is applied then, and the
   * failing record is marked as the head with its new error.
   */
  async retry(ref: ParkedRef): Promise<number> {
    try {
      return await this.inTransaction(async (tx) => {
        const events = await this.queueOf(tx, ref);
        if (events.length === 0) throw new NothingParkedError(this.name, describe(ref));
        await tx.loadCheckpoints(this.name, [ref]); // the live batches' lock on this partition
        const buffers = new BatchBuffers<M>();
        for (const event of events) {
          const [record] = await this.log.read(event.topic, event.partition, event.offset, { maxRecords: 1 });
          if (record && record.offset === event.offset) {
            await applyRecord(this.handlers, tx, record, event.type, buffers);
          }
        }
        await buffers.flush(tx.manager);
        await tx.unpark(this.name, events);
        return events.length;
      });
    } catch (error) {
      if (error instanceof ProjectionHandlerError) await this.markFailed(error);
      throw error;
    }
  }

  /** Drops one parked record for good, then retries the records of its key that waited behind it. */
  async skip(ref: ParkedRef): Promise<number> {
    const rest = await this.inTransaction(async (tx) => {
      const events = await tx.parkedOf(this.name, ref.topic, ref.partition);
      const target = events.find((e) => e.offset === ref.offset);
      if (!target) throw new NothingParkedError(this.name, describe(ref));
      await tx.unpark(this.name, [target]);
      return target.key === null
        ? []
        : events.filter((e) => e.key === target.key && e.offset !== target.offset);
    });
    return rest.length === 0 ? 0 : this.retry(rest[0]);
  }

  private async queueOf(tx: ParkingTransaction, ref: ParkedRef): Promise<ParkedEvent[]> {
    const events = await tx.parkedOf(this.name, ref.topic, ref.partition);
    return ref.key === null
      ? events.filter((e) => e.offset === ref.offset)
      : events.filter((e) => e.key === ref.key);
  }

  private async markFailed(error: ProjectionHandlerError): Promise<void> {
    await this.inTransaction(async (tx) => {
      const events = await tx.parkedOf(this.name, error.position.topic, error.position.partition);
      const head = events.find((e) => e.offset === error.position.offset);
      if (head) await tx.park([{ ...head, reason: 'failed', error: error.message }]);
    });
  }

  private inTransaction<T>(
    work: (tx: ReadModelTransaction<M> & ParkingTransaction) => Promise<T>,
  ): Promise<T> {
    return this.store.transaction(async (tx) => {
      if (!canPark(tx))
        throw new DefinitionError(`The read-model store of "${this.name}" cannot park events.`);
      return work(tx);
    });
  }
}

function describe(ref: RecordPosition & { key: string | null }): string {
  return `at ${ref.topic}:${ref.partition}@${ref.offset}${ref.key === null ? '' : ` (key ${ref.key})`}`;
}
