import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { AggregateRepository, InjectRepository } from '@eventline/core';
import { Account } from '../account.aggregate';
import { AccountMovementResult } from './account-movement-result';

export class DepositMoney {
  @IsString() @Length(1, 100) accountId!: string;
  /** Minor units (cents); a safe integer, so sums stay exact. */
  @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) amount!: number;
  @IsOptional() @IsString() @Length(0, 200) reference?: string;
}

@CommandHandler(DepositMoney)
export class DepositMoneyHandler implements ICommandHandler<DepositMoney> {
  constructor(@InjectRepository(Account) private readonly accounts: AggregateRepository<Account>) {}

  async execute({ accountId, amount, reference }: DepositMoney): Promise<AccountMovementResult> {
    const account = await this.accounts.load(accountId);
    account.deposit(amount, reference ?? null);
    await this.accounts.save(account);
    return { accountId, version: account.version };
  }
}
