import { Aggregate, AggregateRoot, DomainError, Event, Evolve } from '@eventline/core';
import {
  CreditedForTransfer,
  CreditRejected,
  DebitedForTransfer,
  DebitRejected,
  RefundedForTransfer,
} from './transfer-events';

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

  /** Transfers record refusals as events instead of throwing: the saga reacts to them. */
  debitForTransfer(transferId: string, amount: number, to: string): void {
    if (!this.open) this.record(new DebitRejected(this.id, transferId, 'ACCOUNT_NOT_OPEN'));
    else if (amount > this.balance) this.record(new DebitRejected(this.id, transferId, 'INSUFFICIENT_FUNDS'));
    else this.record(new DebitedForTransfer(this.id, transferId, amount, to));
  }

  creditForTransfer(transferId: string, amount: number, from: string): void {
    if (!this.open) this.record(new CreditRejected(this.id, transferId, amount, from));
    else this.record(new CreditedForTransfer(this.id, transferId, amount));
  }

  refundForTransfer(transferId: string, amount: number): void {
    this.record(new RefundedForTransfer(this.id, transferId, amount));
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

  @Evolve(DebitedForTransfer)
  protected onDebited(e: DebitedForTransfer): void {
    this.balance -= e.amount;
  }

  @Evolve(CreditedForTransfer)
  protected onCredited(e: CreditedForTransfer): void {
    this.balance += e.amount;
  }

  @Evolve(RefundedForTransfer)
  protected onRefunded(e: RefundedForTransfer): void {
    this.balance += e.amount;
  }

  @Evolve(DebitRejected)
  protected onDebitRejected(): void {}

  @Evolve(CreditRejected)
  protected onCreditRejected(): void {}
}
