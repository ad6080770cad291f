import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Repository } from 'typeorm';
import { NotFoundError } from '@eventline/core';
import { InjectReadModelRepository } from '@eventline/typeorm';
import { AccountView } from '../read-model/account-view.entity';

export interface AccountResponse {
  readonly accountId: string;
  readonly owner: string;
  readonly currency: string;
  readonly balance: number;
  readonly status: 'open' | 'closed';
  readonly version: number;
}

export class GetAccount {
  constructor(readonly accountId: string) {}
}

@QueryHandler(GetAccount)
export class GetAccountHandler implements IQueryHandler<GetAccount, AccountResponse> {
  constructor(@InjectReadModelRepository(AccountView) private readonly accounts: Repository<AccountView>) {}

  async execute({ accountId }: GetAccount): Promise<AccountResponse> {
    const view = await this.accounts.findOneBy({ accountId });
    if (!view) throw new NotFoundError(`Account ${accountId} does not exist.`, { accountId });
    const { owner, currency, balance, status, version } = view;
    return { accountId, owner, currency, balance, status, version };
  }
}
