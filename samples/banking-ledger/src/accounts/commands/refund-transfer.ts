import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { IsString } from 'class-validator';
import { AggregateRepository, InjectRepository } from '@eventline/core';
import { Account } from '../account.aggregate';

/** Gives a refused transfer's money back to its source account. */
export class RefundTransfer {
  @IsString() readonly accountId!: string;
  @IsString() readonly transferId!: string;

  constructor(fields: RefundTransfer) {
    Object.assign(this, fields);
  }
}

@CommandHandler(RefundTransfer)
export class RefundTransferHandler implements ICommandHandler<RefundTransfer> {
  constructor(@InjectRepository(Account) private readonly accounts: AggregateRepository<Account>) {}

  async execute({ accountId, transferId }: RefundTransfer): Promise<void> {
    const account = await this.accounts.load(accountId);
    account.refundTransfer(transferId);
    await this.accounts.save(account);
  }
}
