import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ConsistentRead } from '../http/consistent-read.decorator';
import { GetTotals, TotalsResponse } from './get-totals';

@Controller('totals')
export class TotalsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ConsistentRead('totals')
  get(): Promise<TotalsResponse> {
    return this.queries.execute(new GetTotals());
  }
}
