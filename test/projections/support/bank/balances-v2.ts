import { EntityManager } from 'typeorm';
import { Projection, ProjectionContext } from '@eventline/core';
import { Opened } from './account';
import { Balances, BalanceView } from './balances';

/** Version 2 of the balances read model: owners stored as given. Same name, so same tables and group. */
@Projection('balances', { topics: ['bank-account.events'], version: 2, readModels: [BalanceView] })
export class BalancesV2 extends Balances {
  override async opened(e: Opened, ctx: ProjectionContext<EntityManager>): Promise<void> {
    await ctx.manager.insert(BalanceView, {
      id: e.accountId,
      owner: e.owner,
      balance: 0,
      lastOffset: ctx.offset,
    });
  }
}
