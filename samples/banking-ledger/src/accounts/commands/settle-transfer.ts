import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { IsString } from 'class-validator';
import { AggregateRepository, InjectRepository } from '@eventline/core';
import { Account } from '../account.aggregate';

/** Tells the source account that the destination took the money: nothing of it is in flight any more. */
export class SettleTransfer {
  @IsString() readonly accountId!: string;
  @IsString() readonly transferId!: string;

  constructor(fields: SettleTransfer) {
    Object.assign(this, fields);
  }
}

@CommandHandler(SettleTransfer)
export class SettleTransferHandler implements ICommandHandler<SettleTransfer> {
  constructor(@InjectRepository(Account) private readonly accounts: AggregateRepository<Account>) {}

  async execute({ accountId, transferId }: SettleTransfer): Promise<void> {
    const account = await this.accounts.load(accountId);
    account.settleTransfer(transferId);
    await this.accounts.save(account);
  }
}
