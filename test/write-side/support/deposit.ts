import { IsPositive, IsString } from 'class-validator';
import { AggregateRepository } from '@eventline/core';
import { Account } from '../bank/account';

export class Deposit {
  @IsString() readonly accountId: string;
  @IsPositive() readonly amount: number;
  constructor(accountId: string, amount: number) {
    this.accountId = accountId;
    this.amount = amount;
  }
}

/** Opens the account on first use, deposits, and returns what an HTTP API would. */
export function depositHandler(accounts: AggregateRepository<Account>, command: Deposit) {
  return async () => {
    const account = (await accounts.find(command.accountId)) ?? (await accounts.create(command.accountId));
    if (account.version === 0) account.open('ada', 'EUR');
    account.deposit(command.amount);
    await accounts.save(account);
    return { accountId: account.id, balance: account.balance, version: account.version };
  };
}
