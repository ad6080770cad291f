import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ConsistentRead } from '../http/consistent-read.decorator';
import { GetTransfer, TransferResponse } from './queries/get-transfer';

@Controller('transfers')
export class TransferQueriesController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  @ConsistentRead('transfers')
  get(@Param('id') transferId: string): Promise<TransferResponse> {
    return this.queries.execute(new GetTransfer(transferId));
  }
}
