import { Column, Entity, EntityManager, PrimaryColumn } from 'typeorm';
import { On, Projection, ProjectionContext } from '@eventline/core';
import { CreditForTransfer, DebitForTransfer, FinishTransfer, RefundForTransfer } from './transfer';
import {
  CreditedForTransfer,
  CreditRejected,
  DebitedForTransfer,
  DebitRejected,
  RefundedForTransfer,
  TransferRequested,
} from './transfer-events';

type Step = 'debiting' | 'crediting' | 'refunding' | 'completed' | 'failed';
const RANK: Record<Step, number> = { debiting: 1, crediting: 2, refunding: 3, completed: 4, failed: 4 };

/** The saga's own durable state: committed with its checkpoint, so it never runs ahead of it. */
@Entity('transfer_progress')
export class TransferProgress {
  @PrimaryColumn({ type: 'varchar' }) id!: string;
  @Column({ type: 'varchar' }) step!: string;
  @Column({ type: 'varchar', default: '' }) reason!: string;
}

/**
 * debit → credit → (refund when the credit is refused). A process manager is a projection whose
 * handlers call ctx.dispatch: keys derive from the triggering event, so a re-delivery never debits twice.
 */
@Projection('transfer-saga', {
  topics: ['transfer.events', 'bank-account.events'],
  readModels: [TransferProgress],
})
export class TransferSaga {
  /** Event types whose handler throws once right after dispatching: a crash before the checkpoint. */
  readonly crashAfterDispatch = new Set<string>();

  @On(TransferRequested)
  async requested(e: TransferRequested, ctx: ProjectionContext<EntityManager>): Promise<void> {
    await this.step(ctx, e.transferId, 'debiting');
    await ctx.dispatch(new DebitForTransfer(e.from, e.transferId, e.amount, e.to));
    this.maybeCrash(ctx);
  }

  @On(DebitedForTransfer)
  async debited(e: DebitedForTransfer, ctx: ProjectionContext<EntityManager>): Promise<void> {
    await this.step(ctx, e.transferId, 'crediting');
    await ctx.dispatch(new CreditForTransfer(e.to, e.transferId, e.amount, e.accountId));
    this.maybeCrash(ctx);
  }

  @On(DebitRejected)
  async debitRejected(e: DebitRejected, ctx: ProjectionContext<EntityManager>): Promise<void> {
    await this.step(ctx, e.transferId, 'failed', e.reason);
    await ctx.dispatch(new FinishTransfer(e.transferId, 'failed', e.reason));
    this.maybeCrash(ctx);
  }

  @On(CreditedForTransfer)
  async credited(e: CreditedForTransfer, ctx: ProjectionContext<EntityManager>): Promise<void> {
    await this.step(ctx, e.transferId, 'completed');
    await ctx.dispatch(new FinishTransfer(e.transferId, 'completed'));
    this.maybeCrash(ctx);
  }

  @On(CreditRejected)
  async creditRejected(e: CreditRejected, ctx: ProjectionContext<EntityManager>): Promise<void> {
    await this.step(ctx, e.transferId, 'refunding', 'CREDIT_REJECTED');
    await ctx.dispatch(new RefundForTransfer(e.from, e.transferId, e.amount));
    this.maybeCrash(ctx);
  }

  @On(RefundedForTransfer)
  async refunded(e: RefundedForTransfer, ctx: ProjectionContext<EntityManager>): Promise<void> {
    await this.step(ctx, e.transferId, 'failed', 'CREDIT_REJECTED');
    await ctx.dispatch(new FinishTransfer(e.transferId, 'failed', 'CREDIT_REJECTED'));
    this.maybeCrash(ctx);
  }

  /**
   * Steps only move forward: events of one transfer sit in different partitions (transfer and account
   * topics), which arrive in no guaranteed order relative to each other.
   */
  private async step(
    ctx: ProjectionContext<EntityManager>,
    id: string,
    step: Step,
    reason = '',
  ): Promise<void> {
    const current = await ctx.manager.findOneBy(TransferProgress, { id });
    if (current && RANK[current.step as Step] >= RANK[step]) return;
    await ctx.manager.upsert(TransferProgress, { id, step, reason }, ['id']);
  }

  private maybeCrash(ctx: ProjectionContext<EntityManager>): void {
    if (this.crashAfterDispatch.delete(ctx.metadata.type)) {
      throw new Error(`crash after dispatching for ${ctx.metadata.type} at ${ctx.partition}@${ctx.offset}`);
    }
  }
}
