import { IsPositive, IsString } from 'class-validator';
import { Column, Entity, EntityManager, PrimaryColumn } from 'typeorm';
import {
  Aggregate,
  AggregateRoot,
  DomainError,
  Event,
  Evolve,
  On,
  Projection,
  ProjectionContext,
} from '@eventline/core';

/** The ledger of the `peers` scenario written the way an Eventline user would write it. */

@Event('account.deposited')
export class Deposited {
  constructor(
    readonly accountId: string,
    readonly amount: number,
  ) {}
}

@Event('account.withdrawn')
export class Withdrawn {
  constructor(
    readonly accountId: string,
    readonly amount: number,
  ) {}
}

@Event('account.transferred-out')
export class TransferredOut {
  constructor(
    readonly accountId: string,
    readonly to: string,
    readonly amount: number,
  ) {}
}

@Event('account.transferred-in')
export class TransferredIn {
  constructor(
    readonly accountId: string,
    readonly from: string,
    readonly amount: number,
  ) {}
}

@Aggregate('account')
export class Account extends AggregateRoot {
  balance = 0;

  deposit(amount: number): void {
    this.record(new Deposited(this.id, amount));
  }

  withdraw(amount: number): void {
    this.ensureFunds(amount);
    this.record(new Withdrawn(this.id, amount));
  }

  transferOut(to: string, amount: number): void {
    this.ensureFunds(amount);
    this.record(new TransferredOut(this.id, to, amount));
  }

  transferIn(from: string, amount: number): void {
    this.record(new TransferredIn(this.id, from, amount));
  }

  private ensureFunds(amount: number): void {
    if (amount > this.balance)
      throw new DomainError('INSUFFICIENT_FUNDS', `Account ${this.id} holds ${this.balance}, not ${amount}.`);
  }

  @Evolve(Deposited)
  protected onDeposited(e: Deposited): void {
    this.balance += e.amount;
  }

  @Evolve(Withdrawn)
  protected onWithdrawn(e: Withdrawn): void {
    this.balance -= e.amount;
  }

  @Evolve(TransferredOut)
  protected onTransferredOut(e: TransferredOut): void {
    this.balance -= e.amount;
  }

  @Evolve(TransferredIn)
  protected onTransferredIn(e: TransferredIn): void {
    this.balance += e.amount;
  }
}

export class Move {
  @IsString() readonly accountId: string;
  @IsPositive() readonly amount: number;
  constructor(accountId: string, amount: number) {
    this.accountId = accountId;
    this.amount = amount;
  }
}

export class Deposit extends Move {}
export class Withdraw extends Move {}
export class Transfer extends Move {
  @IsString() readonly to: string;
  constructor(accountId: string, to: string, amount: number) {
    super(accountId, amount);
    this.to = to;
  }
}

@Entity('bench_balances')
export class BalanceRow {
  @PrimaryColumn({ type: 'varchar' }) id!: string;
  @Column({ type: 'integer' }) balance!: number;
  @Column({ type: 'integer' }) events!: number;
}

/** One upsert per event, the same statement the peers' projections run. */
@Projection('bench-balances', { topics: ['account.events'] })
export class Balances {
  constructor(private readonly placeholders: 'sqlite' | 'postgresql') {}

  @On(Deposited)
  deposited(e: Deposited, ctx: ProjectionContext<EntityManager>): Promise<void> {
    return this.move(ctx.manager, e.accountId, e.amount);
  }

  @On(Withdrawn)
  withdrawn(e: Withdrawn, ctx: ProjectionContext<EntityManager>): Promise<void> {
    return this.move(ctx.manager, e.accountId, -e.amount);
  }

  @On(TransferredOut)
  out(e: TransferredOut, ctx: ProjectionContext<EntityManager>): Promise<void> {
    return this.move(ctx.manager, e.accountId, -e.amount);
  }

  @On(TransferredIn)
  in(e: TransferredIn, ctx: ProjectionContext<EntityManager>): Promise<void> {
    return this.move(ctx.manager, e.accountId, e.amount);
  }

  private async move(manager: EntityManager, id: string, amount: number): Promise<void> {
    const [a, b] = this.placeholders === 'sqlite' ? ['?', '?'] : ['$1', '$2'];
    await manager.query(
      `INSERT INTO bench_balances (id, balance, events) VALUES (${a}, ${b}, 1)
       ON CONFLICT (id) DO UPDATE SET balance = bench_balances.balance + excluded.balance, events = bench_balances.events + 1`,
      [id, amount],
    );
  }
}
