import { Aggregate, AggregateRoot, DomainError, Evolve } from '@eventline/core';
import {
  AccountClosedError,
  BalanceLimitError,
  BalanceNotZeroError,
  CurrencyMismatchError,
  InsufficientFundsError,
  TransfersInFlightError,
} from './account.errors';
import {
  AccountClosed,
  AccountOpened,
  MoneyDeposited,
  MoneyWithdrawn,
  TransferReceived,
  TransferRefunded,
  TransferSent,
  TransferSettled,
} from './account.events';

/** An outgoing transfer debited here and not yet settled or refunded. */
export interface TransferInFlight {
  readonly transferId: string;
  readonly amount: number;
}

/**
 * A bank account. Methods decide (check the rules, then record events); @Evolve handlers only
 * apply events to state, because they also run when the account is loaded from the log.
 * Invariant: balance ≥ −overdraftLimit, always a safe integer.
 */
@Aggregate('account', { snapshotEvery: 50 })
export class Account extends AggregateRoot {
  owner = '';
  currency = '';
  overdraftLimit = 0;
  balance = 0;
  status: 'open' | 'closed' = 'open';
  inFlight: TransferInFlight[] = [];

  open(owner: string, currency: string, overdraftLimit: number): void {
    if (this.version > 0) throw new DomainError('ALREADY_OPEN', `Account ${this.id} is already open.`);
    this.record(new AccountOpened(this.id, owner, currency, overdraftLimit));
  }

  deposit(amount: number, reference: string | null): void {
    this.mustBeOpen();
    this.mustHaveRoomFor(amount);
    this.record(new MoneyDeposited(this.id, amount, reference));
  }

  withdraw(amount: number, reference: string | null): void {
    this.mustBeOpen();
    this.mustCover(amount);
    this.record(new MoneyWithdrawn(this.id, amount, reference));
  }

  sendTransfer(transferId: string, amount: number, currency: string): void {
    this.mustBeOpen();
    this.mustHoldCurrency(currency);
    this.mustCover(amount);
    this.record(new TransferSent(this.id, transferId, amount));
  }

  receiveTransfer(transferId: string, amount: number, currency: string): void {
    this.mustBeOpen();
    this.mustHoldCurrency(currency);
    this.mustHaveRoomFor(amount);
    this.record(new TransferReceived(this.id, transferId, amount));
  }

  /** Never refused: the money was ours a moment ago. Does nothing if the transfer is not in flight here. */
  refundTransfer(transferId: string): void {
    const sent = this.inFlight.find((t) => t.transferId === transferId);
    if (sent) this.record(new TransferRefunded(this.id, transferId, sent.amount));
  }

  /** Does nothing if the transfer is not in flight here (already settled). */
  settleTransfer(transferId: string): void {
    if (this.inFlight.some((t) => t.transferId === transferId)) {
      this.record(new TransferSettled(this.id, transferId));
    }
  }

  close(): void {
    this.mustBeOpen();
    if (this.balance !== 0) throw new BalanceNotZeroError(this.id, this.balance);
    // A refund may still come back: closing now would leave it nowhere to go.
    if (this.inFlight.length > 0) {
      throw new TransfersInFlightError(
        this.id,
        this.inFlight.map((t) => t.transferId),
      );
    }
    this.record(new AccountClosed(this.id));
  }

  private mustBeOpen(): void {
    if (this.status === 'closed') throw new AccountClosedError(this.id);
  }

  private mustHoldCurrency(currency: string): void {
    if (currency !== this.currency) throw new CurrencyMismatchError(this.id, this.currency, currency);
  }

  private mustCover(amount: number): void {
    const available = this.balance + this.overdraftLimit;
    if (amount > available) throw new InsufficientFundsError(this.id, available, amount);
  }

  private mustHaveRoomFor(amount: number): void {
    if (!Number.isSafeInteger(this.balance + amount))
      throw new BalanceLimitError(this.id, this.balance, amount);
  }

  @Evolve(AccountOpened)
  protected onOpened(e: AccountOpened): void {
    this.owner = e.owner;
    this.currency = e.currency;
    this.overdraftLimit = e.overdraftLimit;
  }

  @Evolve(MoneyDeposited)
  protected onDeposited(e: MoneyDeposited): void {
    this.balance += e.amount;
  }

  @Evolve(MoneyWithdrawn)
  protected onWithdrawn(e: MoneyWithdrawn): void {
    this.balance -= e.amount;
  }

  @Evolve(TransferSent)
  protected onTransferSent(e: TransferSent): void {
    this.balance -= e.amount;
    this.inFlight = [...this.inFlight, { transferId: e.transferId, amount: e.amount }];
  }

  @Evolve(TransferReceived)
  protected onTransferReceived(e: TransferReceived): void {
    this.balance += e.amount;
  }

  @Evolve(TransferRefunded)
  protected onTransferRefunded(e: TransferRefunded): void {
    this.balance += e.amount;
    this.inFlight = this.inFlight.filter((t) => t.transferId !== e.transferId);
  }

  @Evolve(TransferSettled)
  protected onTransferSettled(e: TransferSettled): void {
    this.inFlight = this.inFlight.filter((t) => t.transferId !== e.transferId);
  }

  @Evolve(AccountClosed)
  protected onClosed(): void {
    this.status = 'closed';
  }
}
