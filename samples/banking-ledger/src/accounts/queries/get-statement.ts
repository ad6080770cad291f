import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { MoreThan, Repository } from 'typeorm';
import { NotFoundError } from '@eventline/core';
import { InjectReadModelRepository } from '@eventline/typeorm';
import { AccountView } from '../read-model/account-view.entity';
import { StatementEntry, StatementEntryType } from '../read-model/statement-entry.entity';

export interface StatementResponse {
  readonly accountId: string;
  readonly entries: readonly {
    readonly type: StatementEntryType;
    readonly amount: number;
    readonly balanceAfter: number;
    readonly transferId?: string;
    readonly at: string;
  }[];
}

/** Entries after the first `after` ones, at most `limit` of them, in account-version order. */
export class GetStatement {
  constructor(
    readonly accountId: string,
    readonly limit: number,
    readonly after: number,
  ) {}
}

@QueryHandler(GetStatement)
export class GetStatementHandler implements IQueryHandler<GetStatement, StatementResponse> {
  constructor(
    @InjectReadModelRepository(AccountView) private readonly accounts: Repository<AccountView>,
    @InjectReadModelRepository(StatementEntry) private readonly entries: Repository<StatementEntry>,
  ) {}

  async execute({ accountId, limit, after }: GetStatement): Promise<StatementResponse> {
    if (!(await this.accounts.existsBy({ accountId }))) {
      throw new NotFoundError(`Account ${accountId} does not exist.`, { accountId });
    }
    const rows = await this.entries.find({
      where: { accountId, seq: MoreThan(after) },
      order: { seq: 'ASC' },
      take: limit,
    });
    return {
      accountId,
      entries: rows.map((r) => ({
        type: r.type,
        amount: r.amount,
        balanceAfter: r.balanceAfter,
        ...(r.transferId !== null ? { transferId: r.transferId } : {}),
        at: new Date(r.at).toISOString(),
      })),
    };
  }
}
