import { EventMetadata } from '../events/event-metadata';
import { RecordHeaders } from '../log/record';
import { CommandReceipt } from '../commands/command-receipt';
import { DispatchOptions } from './command-dispatcher';
import { ReadModelTransaction } from './read-model-store';

/**
 * What a projection handler gets besides the event: where the record sits, its metadata, and the
 * batch's read-model transaction. `M` is the store's transactional handle (TypeORM: EntityManager).
 */
export interface ProjectionContext<M = unknown> {
  readonly projection: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly timestamp: number;
  readonly headers: RecordHeaders;
  readonly metadata: EventMetadata;
  /** The batch's transaction as supplied by the store; it commits together with the checkpoint. */
  readonly transaction: ReadModelTransaction<M>;
  /** Shortcut for `transaction.manager`: write the read model through this only. */
  readonly manager: M;
  /**
   * Process managers: sends a command caused by this event, with the idempotency key
   * `<projection>:<eventId>:<step>`, so a re-delivered or replayed event returns the first receipt
   * instead of acting twice. The command inherits the event's correlation id and names the event as
   * its cause. Resolves with the receipt; the handler's own state goes through `manager` as usual.
   *
   * @example
   * @On(TransferRequested)
   * async requested(e: TransferRequested, ctx: ProjectionContext<EntityManager>) {
   *   await ctx.manager.insert(TransferProgress, { id: e.transferId, step: 'debiting' });
   *   await ctx.dispatch(new DebitForTransfer(e.from, e.transferId, e.amount));
   * }
   */
  dispatch<R = unknown>(command: object, options?: DispatchOptions): Promise<CommandReceipt<R>>;
  /**
   * A buffer that lives for the rest of this batch: created on first use, flushed once after the
   * batch's last record and before its checkpoint is saved, in the same transaction. For
   * write-heavy projections (replays): fold many events into one statement. Reads through `manager`
   * do not see what is still buffered.
   *
   * @example
   * const deltas = ctx.buffer('balances', () => new Map<string, number>(), (m, manager) => upsertAll(manager, m));
   * deltas.set(e.accountId, (deltas.get(e.accountId) ?? 0) + e.amount);
   */
  buffer<T>(name: string, create: () => T, flush: (value: T, manager: M) => Promise<void>): T;
}
