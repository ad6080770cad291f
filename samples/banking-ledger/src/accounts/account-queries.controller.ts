import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ValidationError } from '@eventline/core';
import { ConsistentRead } from '../http/consistent-read.decorator';
import { AccountResponse, GetAccount } from './queries/get-account';
import { GetStatement, StatementResponse } from './queries/get-statement';

const MAX_PAGE = 1000;

/** The read side of accounts: queries on the `accounts` projection's read models. */
@Controller('accounts')
export class AccountQueriesController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  @ConsistentRead('accounts')
  get(@Param('id') accountId: string): Promise<AccountResponse> {
    return this.queries.execute(new GetAccount(accountId));
  }

  /** `?limit=` (1–1000, default 1000) entries after the first `?after=` ones (default 0). */
  @Get(':id/statement')
  @ConsistentRead('accounts')
  statement(
    @Param('id') accountId: string,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ): Promise<StatementResponse> {
    const page = queryInteger('limit', limit, { min: 1, max: MAX_PAGE, fallback: MAX_PAGE });
    const skip = queryInteger('after', after, { min: 0, fallback: 0 });
    return this.queries.execute(new GetStatement(accountId, page, skip));
  }
}

/** A whole-number query parameter within bounds; `fallback` when absent; 400 otherwise. */
function queryInteger(
  name: string,
  raw: string | undefined,
  { min, max = Number.MAX_SAFE_INTEGER, fallback }: { min: number; max?: number; fallback: number },
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || value < min || value > max) {
    throw new ValidationError(`${name} must be a whole number from ${min} to ${max}, not "${String(raw)}".`, {
      property: name,
      value: raw,
    });
  }
  return value;
}
