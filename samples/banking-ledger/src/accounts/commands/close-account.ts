import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { IsString, Length } from 'class-validator';
import { AggregateRepository, InjectRepository } from '@eventline/core';
import { Account } from '../account.aggregate';
import { AccountMovementResult } from './account-movement-result';

export class CloseAccount {
  @IsString() @Length(1, 100) accountId!: string;
}

@CommandHandler(CloseAccount)
export class CloseAccountHandler implements ICommandHandler<CloseAccount> {
  constructor(@InjectRepository(Account) private readonly accounts: AggregateRepository<Account>) {}

  async execute({ accountId }: CloseAccount): Promise<AccountMovementResult> {
    const account = await this.accounts.load(accountId);
    account.close();
    await this.accounts.save(account);
    return { accountId, version: account.version };
  }
}
