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
} from '../accounts/account.events';
import { AccountCurrency } from './account-currency.entity';
import { CurrencyTotal } from './currency-total.entity';

type Context = ProjectionContext<EntityManager>;

/**
 * Bank totals per currency. Deposits and withdrawals change them; a completed transfer leaves
 * them unchanged (out of one account, into another), which the sample's tests check.
 */
@Projection('totals', { topics: ['account.events'], readModels: [CurrencyTotal, AccountCurrency] })
export class TotalsProjection {
  @On(AccountOpened)
  async opened(e: AccountOpened, ctx: Context): Promise<void> {
    await ctx.manager.insert(AccountCurrency, { accountId: e.accountId, currency: e.currency });
    const existing = await ctx.manager.existsBy(CurrencyTotal, { currency: e.currency });
    if (existing) await ctx.manager.increment(CurrencyTotal, { currency: e.currency }, 'accounts', 1);
    else await ctx.manager.insert(CurrencyTotal, { currency: e.currency, accounts: 1, balance: 0 });
  }

  @On(AccountClosed)
  async closed(e: AccountClosed, ctx: Context): Promise<void> {
    await ctx.manager.decrement(
      CurrencyTotal,
      { currency: await this.currencyOf(e.accountId, ctx) },
      'accounts',
      1,
    );
  }

  @On(MoneyDeposited)
  deposited(e: MoneyDeposited, ctx: Context): Promise<void> {
    return this.add(e.accountId, e.amount, ctx);
  }

  @On(MoneyWithdrawn)
  withdrawn(e: MoneyWithdrawn, ctx: Context): Promise<void> {
    return this.add(e.accountId, -e.amount, ctx);
  }

  @On(TransferSent)
  sent(e: TransferSent, ctx: Context): Promise<void> {
    return this.add(e.accountId, -e.amount, ctx);
  }

  @On(TransferReceived)
  received(e: TransferReceived, ctx: Context): Promise<void> {
    return this.add(e.accountId, e.amount, ctx);
  }

  @On(TransferRefunded)
  refunded(e: TransferRefunded, ctx: Context): Promise<void> {
    return this.add(e.accountId, e.amount, ctx);
  }

  private async add(accountId: string, amount: number, ctx: Context): Promise<void> {
    await ctx.manager.increment(
      CurrencyTotal,
      { currency: await this.currencyOf(accountId, ctx) },
      'balance',
      amount,
    );
  }

  private async currencyOf(accountId: string, ctx: Context): Promise<string> {
    return (await ctx.manager.findOneByOrFail(AccountCurrency, { accountId })).currency;
  }
}
