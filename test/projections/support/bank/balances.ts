import { Injectable } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Column, Entity, EntityManager, PrimaryColumn, Repository } from 'typeorm';
import { On, Projection, ProjectionContext } from '@eventline/core';
import { InjectReadModelRepository } from '@eventline/typeorm';
import { Deposited, Opened, Withdrawn } from './account';
import { CreditedForTransfer, DebitedForTransfer, RefundedForTransfer } from './transfer-events';

@Entity('balance_view')
export class BalanceView {
  @PrimaryColumn({ type: 'varchar' }) id!: string;
  @Column({ type: 'varchar' }) owner!: string;
  @Column({ type: 'integer' }) balance!: number;
  /** Offset of the last event applied: proves the handler saw the record's position. */
  @Column({ type: 'integer', name: 'last_offset' }) lastOffset!: number;
}

/** Injected into the projection: projections are Nest providers. */
@Injectable()
export class OwnerFormatter {
  format(owner: string): string {
    return owner.toUpperCase();
  }
}

@Projection('balances', { topics: ['bank-account.events'], readModels: [BalanceView] })
export class Balances {
  constructor(private readonly formatter: OwnerFormatter) {}

  @On(Opened)
  async opened(e: Opened, ctx: ProjectionContext<EntityManager>): Promise<void> {
    await ctx.manager.insert(BalanceView, {
      id: e.accountId,
      owner: this.formatter.format(e.owner),
      balance: 0,
      lastOffset: ctx.offset,
    });
  }

  @On(Deposited)
  async deposited(e: Deposited, ctx: ProjectionContext<EntityManager>): Promise<void> {
    await ctx.manager.increment(BalanceView, { id: e.accountId }, 'balance', e.amount);
    await ctx.manager.update(BalanceView, { id: e.accountId }, { lastOffset: ctx.offset });
  }

  @On(Withdrawn)
  async withdrawn(e: Withdrawn, ctx: ProjectionContext<EntityManager>): Promise<void> {
    await ctx.manager.decrement(BalanceView, { id: e.accountId }, 'balance', e.amount);
    await ctx.manager.update(BalanceView, { id: e.accountId }, { lastOffset: ctx.offset });
  }

  @On(DebitedForTransfer)
  async debited(e: DebitedForTransfer, ctx: ProjectionContext<EntityManager>): Promise<void> {
    await ctx.manager.decrement(BalanceView, { id: e.accountId }, 'balance', e.amount);
  }

  @On(CreditedForTransfer)
  async credited(e: CreditedForTransfer, ctx: ProjectionContext<EntityManager>): Promise<void> {
    await ctx.manager.increment(BalanceView, { id: e.accountId }, 'balance', e.amount);
  }

  @On(RefundedForTransfer)
  async refunded(e: RefundedForTransfer, ctx: ProjectionContext<EntityManager>): Promise<void> {
    await ctx.manager.increment(BalanceView, { id: e.accountId }, 'balance', e.amount);
  }
}

export class GetBalance {
  constructor(readonly accountId: string) {}
}

@QueryHandler(GetBalance)
export class GetBalanceHandler implements IQueryHandler<GetBalance> {
  constructor(@InjectReadModelRepository(BalanceView) private readonly balances: Repository<BalanceView>) {}
  execute({ accountId }: GetBalance): Promise<BalanceView | null> {
    return this.balances.findOneBy({ id: accountId });
  }
}
