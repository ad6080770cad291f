import { EntityManager } from 'typeorm';
import { On, Projection, ProjectionContext } from '@eventline/core';
import {
  AccountClosed,
  AccountOpened,
  MoneyDeposited,
  MoneyWithdrawn,
  TransferReceived,
  TransferRefunded,
  TransferSent,
  TransferSettled,
} from '../account.events';
import { AccountView } from './account-view.entity';
import { StatementEntry, StatementEntryType } from './statement-entry.entity';

type Context = ProjectionContext<EntityManager>;

/**
 * Account views and statements. Each batch of events is applied in one transaction together with
 * the projection's checkpoint, so every event counts exactly once, even across crashes.
 */
@Projection('accounts', { topics: ['account.events'], readModels: [AccountView, StatementEntry] })
export class AccountsProjection {
  @On(AccountOpened)
  async opened(e: AccountOpened, ctx: Context): Promise<void> {
    await ctx.manager.insert(AccountView, {
      accountId: e.accountId,
      owner: e.owner,
      currency: e.currency,
      balance: 0,
      overdraftLimit: e.overdraftLimit,
      status: 'open',
      version: ctx.metadata.aggregateVersion,
      entries: 0,
    });
  }

  @On(MoneyDeposited)
  deposited(e: MoneyDeposited, ctx: Context): Promise<void> {
    return this.entry(ctx, e.accountId, 'deposit', e.amount, null);
  }

  @On(MoneyWithdrawn)
  withdrawn(e: MoneyWithdrawn, ctx: Context): Promise<void> {
    return this.entry(ctx, e.accountId, 'withdrawal', -e.amount, null);
  }

  @On(TransferSent)
  sent(e: TransferSent, ctx: Context): Promise<void> {
    return this.entry(ctx, e.accountId, 'transfer_out', -e.amount, e.transferId);
  }

  @On(TransferReceived)
  received(e: TransferReceived, ctx: Context): Promise<void> {
    return this.entry(ctx, e.accountId, 'transfer_in', e.amount, e.transferId);
  }

  @On(TransferRefunded)
  refunded(e: TransferRefunded, ctx: Context): Promise<void> {
    return this.entry(ctx, e.accountId, 'transfer_refund', e.amount, e.transferId);
  }

  @On(TransferSettled)
  async settled(e: TransferSettled, ctx: Context): Promise<void> {
    await ctx.manager.update(
      AccountView,
      { accountId: e.accountId },
      { version: ctx.metadata.aggregateVersion },
    );
  }

  @On(AccountClosed)
  async closed(e: AccountClosed, ctx: Context): Promise<void> {
    await ctx.manager.update(
      AccountView,
      { accountId: e.accountId },
      { status: 'closed', version: ctx.metadata.aggregateVersion },
    );
  }

  private async entry(
    ctx: Context,
    accountId: string,
    type: StatementEntryType,
    amount: number,
    transferId: string | null,
  ): Promise<void> {
    const view = await ctx.manager.findOneByOrFail(AccountView, { accountId });
    const balanceAfter = view.balance + amount;
    const seq = view.entries + 1;
    await ctx.manager.insert(StatementEntry, {
      accountId,
      seq,
      type,
      amount,
      balanceAfter,
      transferId,
      at: ctx.metadata.timestamp,
    });
    await ctx.manager.update(
      AccountView,
      { accountId },
      { balance: balanceAfter, entries: seq, version: ctx.metadata.aggregateVersion },
    );
  }
}
