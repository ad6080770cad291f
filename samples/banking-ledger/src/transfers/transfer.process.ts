import { EntityManager } from 'typeorm';
import {
  AggregateRepository,
  DomainError,
  InjectRepository,
  On,
  Projection,
  ProjectionContext,
} from '@eventline/core';
import { ReceiveTransfer } from '../accounts/commands/receive-transfer';
import { RefundTransfer } from '../accounts/commands/refund-transfer';
import { SendTransfer } from '../accounts/commands/send-transfer';
import { SettleTransfer } from '../accounts/commands/settle-transfer';
import { RecordTransferStep } from './commands/record-transfer-step';
import { Transfer } from './transfer.aggregate';
import { TransferCreditRefused, TransferDebited, TransferRequested } from './transfer.events';

type Context = ProjectionContext<EntityManager>;

/**
 * The transfer process manager: requested → debit the source → credit the destination → completed.
 * A refused debit fails the transfer; a refused credit is recorded, then the source is refunded and
 * the transfer fails. Money is in exactly one place at every step.
 *
 * It is a projection of `transfer.events` whose handlers send commands with `ctx.dispatch`. Each
 * dispatch has an idempotency key derived from the event and the step, and the checkpoint moves
 * only after the handler returns: after a crash the event is handled again, and every command that
 * already took effect returns its first receipt instead of acting twice (a refused one is refused
 * again with the same code: refusals are remembered under the key too).
 *
 * Two rules keep it exact:
 * - every decision becomes a transfer event before anything acts on it (a refusal is recorded,
 *   the refund happens when that record is handled), so a decision is never taken twice;
 * - an event is handled only while it is the transfer's latest: once a later step is recorded,
 *   that step's own event carries the process on.
 */
@Projection('transfer-process', { topics: ['transfer.events'] })
export class TransferProcess {
  constructor(@InjectRepository(Transfer) private readonly transfers: AggregateRepository<Transfer>) {}

  @On(TransferRequested)
  async requested(e: TransferRequested, ctx: Context): Promise<void> {
    const transfer = await this.ifLatest(e.transferId, ctx);
    if (!transfer) return;
    const { id: transferId, fromAccountId, amount, currency } = transfer;
    const refusal = await refusalOf(
      ctx.dispatch(new SendTransfer({ accountId: fromAccountId, transferId, amount, currency }), {
        step: 'debit',
      }),
    );
    const step = refusal
      ? new RecordTransferStep({ transferId, step: 'failed', reason: refusal })
      : new RecordTransferStep({ transferId, step: 'debited' });
    await ctx.dispatch(step, { step: refusal ? 'fail' : 'record-debit' });
  }

  @On(TransferDebited)
  async debited(e: TransferDebited, ctx: Context): Promise<void> {
    const transfer = await this.ifLatest(e.transferId, ctx);
    if (!transfer) return;
    const { id: transferId, fromAccountId, toAccountId, amount, currency } = transfer;
    const refusal = await refusalOf(
      ctx.dispatch(new ReceiveTransfer({ accountId: toAccountId, transferId, amount, currency }), {
        step: 'credit',
      }),
    );
    if (refusal) {
      await ctx.dispatch(new RecordTransferStep({ transferId, step: 'credit-refused', reason: refusal }), {
        step: 'record-refusal',
      });
      return;
    }
    await ctx.dispatch(new SettleTransfer({ accountId: fromAccountId, transferId }), { step: 'settle' });
    await ctx.dispatch(new RecordTransferStep({ transferId, step: 'completed' }), { step: 'complete' });
  }

  @On(TransferCreditRefused)
  async creditRefused(e: TransferCreditRefused, ctx: Context): Promise<void> {
    const transfer = await this.ifLatest(e.transferId, ctx);
    if (!transfer) return;
    await ctx.dispatch(new RefundTransfer({ accountId: transfer.fromAccountId, transferId: transfer.id }), {
      step: 'refund',
    });
    await ctx.dispatch(
      new RecordTransferStep({ transferId: transfer.id, step: 'failed', reason: e.reason }),
      {
        step: 'fail',
      },
    );
  }

  /** The transfer, if the event being handled is still its latest step; undefined if it moved on. */
  private async ifLatest(transferId: string, ctx: Context): Promise<Transfer | undefined> {
    const transfer = await this.transfers.load(transferId);
    return transfer.version === ctx.metadata.aggregateVersion ? transfer : undefined;
  }
}

/** The code of the business rule that refused the command, or null if it took effect. */
async function refusalOf(dispatched: Promise<unknown>): Promise<string | null> {
  try {
    await dispatched;
    return null;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}
