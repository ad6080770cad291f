import { Aggregate, AggregateRoot, DomainError, Event, Evolve } from '@eventline/core';

@Event('account.opened', { version: 1 })
export class AccountOpened {
  constructor(
    readonly accountId: string,
    readonly owner: string,
    readonly currency: string,
  ) {}
}

/** v2 added `currency`; v1 records are upcast with EUR (see depositedV1toV2). */
@Event('account.deposited', { version: 2 })
export class Deposited {
  constructor(
    readonly accountId: string,
    readonly amount: number,
    readonly currency: string,
  ) {}
}

@Event('account.withdrawn', { version: 1 })
export class Withdrawn {
  constructor(
    readonly accountId: string,
    readonly amount: number,
  ) {}
}

export class InsufficientFundsError extends DomainError {
  constructor(accountId: string, balance: number, amount: number) {
    super('INSUFFICIENT_FUNDS', `Account ${accountId} holds ${balance}, cannot withdraw ${amount}.`, {
      accountId,
      balance,
      amount,
    });
  }
}

@Aggregate('account')
export class Account extends AggregateRoot {
  owner = '';
  currency = '';
  balance = 0;
  /** Every amount ever moved, in order: state that depends on the whole history, for snapshot checks. */
  movements: number[] = [];

  open(owner: string, currency: string): void {
    if (this.version > 0)
      throw new DomainError('ACCOUNT_ALREADY_OPEN', `Account ${this.id} is already open.`);
    this.record(new AccountOpened(this.id, owner, currency));
  }

  deposit(amount: number): void {
    this.record(new Deposited(this.id, amount, this.currency));
  }

  withdraw(amount: number): void {
    if (amount > this.balance) throw new InsufficientFundsError(this.id, this.balance, amount);
    this.record(new Withdrawn(this.id, amount));
  }

  @Evolve(AccountOpened)
  protected onOpened(e: AccountOpened): void {
    this.owner = e.owner;
    this.currency = e.currency;
  }

  @Evolve(Deposited)
  protected onDeposited(e: Deposited): void {
    this.balance += e.amount;
    this.movements.push(e.amount);
  }

  @Evolve(Withdrawn)
  protected onWithdrawn(e: Withdrawn): void {
    this.balance -= e.amount;
    this.movements.push(-e.amount);
  }
}

export const depositedV1toV2 = {
  type: 'account.deposited',
  fromVersion: 1,
  upcast: (p: Record<string, unknown>) => ({ ...p, currency: 'EUR' }),
};
