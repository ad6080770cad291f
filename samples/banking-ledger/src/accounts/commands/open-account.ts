import { randomUUID } from 'crypto';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  IsInt,
  IsISO4217CurrencyCode,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { AggregateRepository, InjectRepository } from '@eventline/core';
import { Account } from '../account.aggregate';

/** Validated on the command bus before the handler runs; unknown fields are rejected there too. */
export class OpenAccount {
  @IsString() @Length(1, 200) owner!: string;
  @IsISO4217CurrencyCode()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an upper-case ISO 4217 code' })
  currency!: string;
  @IsOptional() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) overdraftLimit?: number;
}

@CommandHandler(OpenAccount)
export class OpenAccountHandler implements ICommandHandler<OpenAccount> {
  constructor(@InjectRepository(Account) private readonly accounts: AggregateRepository<Account>) {}

  // The id is made here, not by the client: a repeat with the same idempotency key gets the first id back.
  async execute({ owner, currency, overdraftLimit }: OpenAccount): Promise<{ accountId: string }> {
    const account = await this.accounts.create(randomUUID());
    account.open(owner, currency, overdraftLimit ?? 0);
    await this.accounts.save(account);
    return { accountId: account.id };
  }
}
