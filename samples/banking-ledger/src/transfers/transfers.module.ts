import { Module } from '@nestjs/common';
import { EventlineModule } from '@eventline/core';
import { TypeOrmReadModelsModule } from '@eventline/typeorm';
import { Account } from '../accounts/account.aggregate';
import { RecordTransferStepHandler } from './commands/record-transfer-step';
import { RequestTransferHandler } from './commands/request-transfer';
import { GetTransferHandler } from './queries/get-transfer';
import { TransferView } from './read-model/transfer-view.entity';
import { TransfersProjection } from './read-model/transfers.projection';
import { TransferQueriesController } from './transfer-queries.controller';
import { Transfer } from './transfer.aggregate';
import { TransferProcess } from './transfer.process';
import { TransfersController } from './transfers.controller';

@Module({
  imports: [
    EventlineModule.forFeature([Transfer, Account]),
    TypeOrmReadModelsModule.forFeature([TransferView]),
  ],
  controllers: [TransfersController, TransferQueriesController],
  providers: [
    RequestTransferHandler,
    RecordTransferStepHandler,
    TransfersProjection,
    GetTransferHandler,
    TransferProcess,
  ],
})
export class TransfersModule {}
