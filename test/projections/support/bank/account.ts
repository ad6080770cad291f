import { Aggregate, AggregateRoot, DomainError, Event, Evolve } from '@eventline/core';

@Event('bank.opened')
export class Opened {
  constructor(
    readonly accountId: string,
    readonly owner: string,
  ) {}
}

@Event('bank.deposited')
export class Deposited {
  constructor(
    readonly accountId: string,
    readonly amount: number,
  ) {}
}

@Event('bank.withdrawn')
export class Withdrawn {
  constructor(
    readonly accountId: string,
    readonly amount: number,
  ) {}
}

@Aggregate('bank-account')
export class BankAccount extends AggregateRoot {
  open = false;
  balance = 0;

  openFor(owner: string): void {
    if (this.open) throw new DomainError('ACCOUNT_ALREADY_OPEN', `Account ${this.id} is already open.`);
    this.record(new Opened(this.id, owner));
  }

  deposit(amount: number): void {
    this.mustBeOpen();
    this.record(new Deposited(this.id, amount));
  }

  withdraw(amount: number): void {
    this.mustBeOpen();
    if (amount > this.balance) {
      throw new DomainError('INSUFFICIENT_FUNDS', `Account ${this.id} holds ${this.balance}, not ${amount}.`);
    }
    this.record(new Withdrawn(this.id, amount));
  }

  private mustBeOpen(): void {
    if (!this.open) throw new DomainError('ACCOUNT_NOT_OPEN', `Account ${this.id} is not open.`);
  }

  @Evolve(Opened)
  protected onOpened(): void {
    this.open = true;
  }

  @Evolve(Deposited)
  protected onDeposited(e: Deposited): void {
    this.balance += e.amount;
  }

  @Evolve(Withdrawn)
  protected onWithdrawn(e: Withdrawn): void {
    this.balance -= e.amount;
  }
}
