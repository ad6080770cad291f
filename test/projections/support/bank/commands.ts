import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { IsPositive, IsString } from 'class-validator';
import { AggregateRepository, InjectRepository } from '@eventline/core';
import { BankAccount } from './account';

export class OpenAccount {
  @IsString() readonly accountId: string;
  @IsString() readonly owner: string;
  constructor(accountId: string, owner: string) {
    this.accountId = accountId;
    this.owner = owner;
  }
}

export class Deposit {
  @IsString() readonly accountId: string;
  @IsPositive() readonly amount: number;
  constructor(accountId: string, amount: number) {
    this.accountId = accountId;
    this.amount = amount;
  }
}

export class Withdraw {
  @IsString() readonly accountId: string;
  @IsPositive() readonly amount: number;
  constructor(accountId: string, amount: number) {
    this.accountId = accountId;
    this.amount = amount;
  }
}

@CommandHandler(OpenAccount)
export class OpenAccountHandler implements ICommandHandler<OpenAccount> {
  constructor(@InjectRepository(BankAccount) private readonly accounts: AggregateRepository<BankAccount>) {}
  async execute({ accountId, owner }: OpenAccount) {
    const account = await this.accounts.create(accountId);
    account.openFor(owner);
    await this.accounts.save(account);
  }
}

/** Counts executions that reached the handler: a process manager's duplicate dispatch would show here. */
export const executions = { deposit: 0, withdraw: 0 };

@CommandHandler(Deposit)
export class DepositHandler implements ICommandHandler<Deposit> {
  constructor(@InjectRepository(BankAccount) private readonly accounts: AggregateRepository<BankAccount>) {}
  async execute({ accountId, amount }: Deposit) {
    executions.deposit += 1;
    const account = await this.accounts.load(accountId);
    account.deposit(amount);
    await this.accounts.save(account);
  }
}

@CommandHandler(Withdraw)
export class WithdrawHandler implements ICommandHandler<Withdraw> {
  constructor(@InjectRepository(BankAccount) private readonly accounts: AggregateRepository<BankAccount>) {}
  async execute({ accountId, amount }: Withdraw) {
    executions.withdraw += 1;
    const account = await this.accounts.load(accountId);
    account.withdraw(amount);
    await this.accounts.save(account);
  }
}

export const commandHandlers = [OpenAccountHandler, DepositHandler, WithdrawHandler];
