import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Repository } from 'typeorm';
import { InjectReadModelRepository } from '@eventline/typeorm';
import { CurrencyTotal } from './currency-total.entity';

export type TotalsResponse = Record<string, { readonly accounts: number; readonly balance: number }>;

export class GetTotals {}

@QueryHandler(GetTotals)
export class GetTotalsHandler implements IQueryHandler<GetTotals, TotalsResponse> {
  constructor(@InjectReadModelRepository(CurrencyTotal) private readonly totals: Repository<CurrencyTotal>) {}

  async execute(): Promise<TotalsResponse> {
    const rows = await this.totals.find({ order: { currency: 'ASC' } });
    // Currency codes are validated ISO 4217 codes, never "__proto__"; a null prototype makes sure.
    const totals: TotalsResponse = Object.create(null) as TotalsResponse;
    for (const { currency, accounts, balance } of rows) totals[currency] = { accounts, balance };
    return totals;
  }
}
