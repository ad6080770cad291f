import { Column, Entity, EntityManager, PrimaryColumn } from 'typeorm';
import { On, Projection, ProjectionContext } from '@eventline/core';
import { Deposited, Opened } from './account';

@Entity('risky_view')
export class RiskyView {
  @PrimaryColumn({ type: 'varchar' }) id!: string;
  @Column({ type: 'integer' }) balance!: number;
  /** Amounts in the order applied: per-key order must survive parking and retries. */
  @Column({ type: 'varchar' }) amounts!: string;
}

/** A projection with a bug: deposits of exactly 13 throw until `healed`. */
@Projection('risky', { topics: ['bank-account.events'], readModels: [RiskyView] })
export class RiskyBalances {
  healed = false;

  @On(Opened)
  async opened(e: Opened, ctx: ProjectionContext<EntityManager>): Promise<void> {
    await ctx.manager.insert(RiskyView, { id: e.accountId, balance: 0, amounts: '' });
  }

  @On(Deposited)
  async deposited(e: Deposited, ctx: ProjectionContext<EntityManager>): Promise<void> {
    if (e.amount === 13 && !this.healed) throw new Error('unlucky amount');
    const row = await ctx.manager.findOneByOrFail(RiskyView, { id: e.accountId });
    await ctx.manager.update(
      RiskyView,
      { id: e.accountId },
      {
        balance: row.balance + e.amount,
        amounts: row.amounts ? `${row.amounts},${e.amount}` : String(e.amount),
      },
    );
  }
}
