import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { IsPositive, IsString } from 'class-validator';
import {
  Aggregate,
  AggregateRepository,
  AggregateRoot,
  DomainError,
  Evolve,
  InjectRepository,
} from '@eventline/core';
import { BankAccount } from './account';
import { TransferCompleted, TransferFailed, TransferRequested } from './transfer-events';

@Aggregate('transfer')
export class Transfer extends AggregateRoot {
  status: 'none' | 'requested' | 'completed' | 'failed' = 'none';

  request(from: string, to: string, amount: number): void {
    if (this.status !== 'none') throw new DomainError('TRANSFER_EXISTS', `Transfer ${this.id} exists.`);
    this.record(new TransferRequested(this.id, from, to, amount));
  }

  complete(): void {
    if (this.status === 'requested') this.record(new TransferCompleted(this.id));
  }

  fail(reason: string): void {
    if (this.status === 'requested') this.record(new TransferFailed(this.id, reason));
  }

  @Evolve(TransferRequested)
  protected onRequested(): void {
    this.status = 'requested';
  }

  @Evolve(TransferCompleted)
  protected onCompleted(): void {
    this.status = 'completed';
  }

  @Evolve(TransferFailed)
  protected onFailed(): void {
    this.status = 'failed';
  }
}

export class RequestTransfer {
  @IsString() readonly transferId: string;
  @IsString() readonly from: string;
  @IsString() readonly to: string;
  @IsPositive() readonly amount: number;
  constructor(transferId: string, from: string, to: string, amount: number) {
    this.transferId = transferId;
    this.from = from;
    this.to = to;
    this.amount = amount;
  }
}

export class DebitForTransfer {
  constructor(
    readonly accountId: string,
    readonly transferId: string,
    readonly amount: number,
    readonly to: string,
  ) {}
}

export class CreditForTransfer {
  constructor(
    readonly accountId: string,
    readonly transferId: string,
    readonly amount: number,
    readonly from: string,
  ) {}
}

export class RefundForTransfer {
  constructor(
    readonly accountId: string,
    readonly transferId: string,
    readonly amount: number,
  ) {}
}

export class FinishTransfer {
  constructor(
    readonly transferId: string,
    readonly outcome: 'completed' | 'failed',
    readonly reason = '',
  ) {}
}

@CommandHandler(RequestTransfer)
export class RequestTransferHandler implements ICommandHandler<RequestTransfer> {
  constructor(@InjectRepository(Transfer) private readonly transfers: AggregateRepository<Transfer>) {}
  async execute({ transferId, from, to, amount }: RequestTransfer) {
    const transfer = await this.transfers.create(transferId);
    transfer.request(from, to, amount);
    await this.transfers.save(transfer);
  }
}

/** One handler for the account-side steps: each loads the account, decides, saves. */
@CommandHandler(DebitForTransfer)
export class DebitForTransferHandler implements ICommandHandler<DebitForTransfer> {
  constructor(@InjectRepository(BankAccount) private readonly accounts: AggregateRepository<BankAccount>) {}
  async execute({ accountId, transferId, amount, to }: DebitForTransfer) {
    const account = (await this.accounts.find(accountId)) ?? (await this.accounts.create(accountId));
    account.debitForTransfer(transferId, amount, to);
    await this.accounts.save(account);
  }
}

@CommandHandler(CreditForTransfer)
export class CreditForTransferHandler implements ICommandHandler<CreditForTransfer> {
  constructor(@InjectRepository(BankAccount) private readonly accounts: AggregateRepository<BankAccount>) {}
  async execute({ accountId, transferId, amount, from }: CreditForTransfer) {
    const account = (await this.accounts.find(accountId)) ?? (await this.accounts.create(accountId));
    account.creditForTransfer(transferId, amount, from);
    await this.accounts.save(account);
  }
}

@CommandHandler(RefundForTransfer)
export class RefundForTransferHandler implements ICommandHandler<RefundForTransfer> {
  constructor(@InjectRepository(BankAccount) private readonly accounts: AggregateRepository<BankAccount>) {}
  async execute({ accountId, transferId, amount }: RefundForTransfer) {
    const account = await this.accounts.load(accountId);
    account.refundForTransfer(transferId, amount);
    await this.accounts.save(account);
  }
}

@CommandHandler(FinishTransfer)
export class FinishTransferHandler implements ICommandHandler<FinishTransfer> {
  constructor(@InjectRepository(Transfer) private readonly transfers: AggregateRepository<Transfer>) {}
  async execute({ transferId, outcome, reason }: FinishTransfer) {
    const transfer = await this.transfers.load(transferId);
    if (outcome === 'completed') transfer.complete();
    else transfer.fail(reason);
    await this.transfers.save(transfer);
  }
}

export const transferHandlers = [
  RequestTransferHandler,
  DebitForTransferHandler,
  CreditForTransferHandler,
  RefundForTransferHandler,
  FinishTransferHandler,
];
