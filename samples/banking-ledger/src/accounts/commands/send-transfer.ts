import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { IsInt, IsISO4217CurrencyCode, IsString, Max, Min } from 'class-validator';
import { AggregateRepository, InjectRepository } from '@eventline/core';
import { Account } from '../account.aggregate';

/** Debits the source account of a transfer. Sent by the transfer process, not by clients. */
export class SendTransfer {
  @IsString() readonly accountId!: string;
  @IsString() readonly transferId!: string;
  @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) readonly amount!: number;
  @IsISO4217CurrencyCode() readonly currency!: string;

  constructor(fields: SendTransfer) {
    Object.assign(this, fields);
  }
}

@CommandHandler(SendTransfer)
export class SendTransferHandler implements ICommandHandler<SendTransfer> {
  constructor(@InjectRepository(Account) private readonly accounts: AggregateRepository<Account>) {}

  async execute({ accountId, transferId, amount, currency }: SendTransfer): Promise<void> {
    const account = await this.accounts.load(accountId);
    account.sendTransfer(transferId, amount, currency);
    await this.accounts.save(account);
  }
}
