import { randomUUID } from 'crypto';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { AggregateRepository, InjectRepository } from '@eventline/core';
import { Account } from '../../accounts/account.aggregate';
import { CurrencyMismatchError } from '../../accounts/account.errors';
import { Transfer } from '../transfer.aggregate';
import { SameAccountError } from '../transfer.errors';

export class RequestTransfer {
  @IsString() @Length(1, 100) fromAccountId!: string;
  @IsString() @Length(1, 100) toAccountId!: string;
  @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) amount!: number;
  @IsOptional() @IsString() @Length(0, 200) reference?: string;
}

/**
 * Records the request only; the transfer process moves the money afterwards. What can be known now
 * is checked now (both accounts exist, same currency); funds and open accounts are checked by the
 * accounts themselves when the money moves, and a refusal then fails the transfer.
 */
@CommandHandler(RequestTransfer)
export class RequestTransferHandler implements ICommandHandler<RequestTransfer> {
  constructor(
    @InjectRepository(Transfer) private readonly transfers: AggregateRepository<Transfer>,
    @InjectRepository(Account) private readonly accounts: AggregateRepository<Account>,
  ) {}

  async execute({
    fromAccountId,
    toAccountId,
    amount,
    reference,
  }: RequestTransfer): Promise<{ transferId: string }> {
    if (fromAccountId === toAccountId) throw new SameAccountError(fromAccountId);
    const [from, to] = [await this.accounts.load(fromAccountId), await this.accounts.load(toAccountId)];
    if (from.currency !== to.currency) throw new CurrencyMismatchError(to.id, to.currency, from.currency);
    const transfer = await this.transfers.create(randomUUID());
    transfer.request(fromAccountId, toAccountId, amount, from.currency, reference ?? null);
    await this.transfers.save(transfer);
    return { transferId: transfer.id };
  }
}
