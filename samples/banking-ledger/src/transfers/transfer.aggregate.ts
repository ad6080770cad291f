import { Aggregate, AggregateRoot, DomainError, Evolve } from '@eventline/core';
import { SameAccountError } from './transfer.errors';
import {
  TransferCompleted,
  TransferCreditRefused,
  TransferDebited,
  TransferFailed,
  TransferRequested,
} from './transfer.events';

export type TransferStage = 'requested' | 'debited' | 'credit-refused' | 'completed' | 'failed';

/**
 * A transfer between two accounts of one currency. It holds the state of the transfer process:
 * each step is recorded here before the next one starts. Steps that do not fit the current stage
 * record nothing, so a step repeated after a crash is harmless.
 */
@Aggregate('transfer')
export class Transfer extends AggregateRoot {
  fromAccountId = '';
  toAccountId = '';
  amount = 0;
  currency = '';
  stage: TransferStage = 'requested';
  reason: string | null = null;

  request(
    fromAccountId: string,
    toAccountId: string,
    amount: number,
    currency: string,
    reference: string | null,
  ): void {
    if (this.version > 0)
      throw new DomainError('ALREADY_REQUESTED', `Transfer ${this.id} was requested already.`);
    if (fromAccountId === toAccountId) throw new SameAccountError(fromAccountId);
    this.record(new TransferRequested(this.id, fromAccountId, toAccountId, amount, currency, reference));
  }

  markDebited(): void {
    if (this.stage === 'requested') this.record(new TransferDebited(this.id));
  }

  refuseCredit(reason: string): void {
    if (this.stage === 'debited') this.record(new TransferCreditRefused(this.id, reason));
  }

  complete(): void {
    if (this.stage === 'debited') this.record(new TransferCompleted(this.id));
  }

  /** From `requested` (the debit was refused) or `credit-refused` (after the refund). */
  fail(reason: string): void {
    if (this.stage === 'requested' || this.stage === 'credit-refused')
      this.record(new TransferFailed(this.id, reason));
  }

  @Evolve(TransferRequested)
  protected onRequested(e: TransferRequested): void {
    this.fromAccountId = e.fromAccountId;
    this.toAccountId = e.toAccountId;
    this.amount = e.amount;
    this.currency = e.currency;
  }

  @Evolve(TransferDebited)
  protected onDebited(): void {
    this.stage = 'debited';
  }

  @Evolve(TransferCreditRefused)
  protected onCreditRefused(e: TransferCreditRefused): void {
    this.stage = 'credit-refused';
    this.reason = e.reason;
  }

  @Evolve(TransferCompleted)
  protected onCompleted(): void {
    this.stage = 'completed';
  }

  @Evolve(TransferFailed)
  protected onFailed(e: TransferFailed): void {
    this.stage = 'failed';
    this.reason = e.reason;
  }
}
