import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { AggregateRepository, InjectRepository } from '@eventline/core';
import { Account } from '../account.aggregate';
import { AccountMovementResult } from './account-movement-result';

export class WithdrawMoney {
  @IsString() @Length(1, 100) accountId!: string;
  @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) amount!: number;
  @IsOptional() @IsString() @Length(0, 200) reference?: string;
}

@CommandHandler(WithdrawMoney)
export class WithdrawMoneyHandler implements ICommandHandler<WithdrawMoney> {
  constructor(@InjectRepository(Account) private readonly accounts: AggregateRepository<Account>) {}

  async execute({ accountId, amount, reference }: WithdrawMoney): Promise<AccountMovementResult> {
    const account = await this.accounts.load(accountId);
    account.withdraw(amount, reference ?? null);
    await this.accounts.save(account);
    return { accountId, version: account.version };
  }
}
