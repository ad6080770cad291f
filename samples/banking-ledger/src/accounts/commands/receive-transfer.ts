import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { IsInt, IsISO4217CurrencyCode, IsString, Max, Min } from 'class-validator';
import { AggregateRepository, InjectRepository } from '@eventline/core';
import { Account } from '../account.aggregate';

/** Credits the destination account of a transfer. Sent by the transfer process, not by clients. */
export class ReceiveTransfer {
  @IsString() readonly accountId!: string;
  @IsString() readonly transferId!: string;
  @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) readonly amount!: number;
  @IsISO4217CurrencyCode() readonly currency!: string;

  constructor(fields: ReceiveTransfer) {
    Object.assign(this, fields);
  }
}

@CommandHandler(ReceiveTransfer)
export class ReceiveTransferHandler implements ICommandHandler<ReceiveTransfer> {
  constructor(@InjectRepository(Account) private readonly accounts: AggregateRepository<Account>) {}

  async execute({ accountId, transferId, amount, currency }: ReceiveTransfer): Promise<void> {
    const account = await this.accounts.load(accountId);
    account.receiveTransfer(transferId, amount, currency);
    await this.accounts.save(account);
  }
}
