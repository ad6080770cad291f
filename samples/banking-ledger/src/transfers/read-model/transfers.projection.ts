import { EntityManager } from 'typeorm';
import { On, Projection, ProjectionContext } from '@eventline/core';
import {
  TransferCompleted,
  TransferCreditRefused,
  TransferFailed,
  TransferRequested,
} from '../transfer.events';
import { TransferView } from './transfer-view.entity';

type Context = ProjectionContext<EntityManager>;

/** The status of every transfer as clients see it: pending until it completes or fails. */
@Projection('transfers', { topics: ['transfer.events'], readModels: [TransferView] })
export class TransfersProjection {
  @On(TransferRequested)
  async requested(e: TransferRequested, ctx: Context): Promise<void> {
    await ctx.manager.insert(TransferView, {
      transferId: e.transferId,
      fromAccountId: e.fromAccountId,
      toAccountId: e.toAccountId,
      amount: e.amount,
      currency: e.currency,
      status: 'pending',
      reason: null,
    });
  }

  /** Still pending (the refund is under way), but the reason is known already. */
  @On(TransferCreditRefused)
  async creditRefused(e: TransferCreditRefused, ctx: Context): Promise<void> {
    await ctx.manager.update(TransferView, { transferId: e.transferId }, { reason: e.reason });
  }

  @On(TransferCompleted)
  async completed(e: TransferCompleted, ctx: Context): Promise<void> {
    await ctx.manager.update(TransferView, { transferId: e.transferId }, { status: 'completed' });
  }

  @On(TransferFailed)
  async failed(e: TransferFailed, ctx: Context): Promise<void> {
    await ctx.manager.update(
      TransferView,
      { transferId: e.transferId },
      { status: 'failed', reason: e.reason },
    );
  }
}
