import { Module } from '@nestjs/common';
import { EventlineModule } from '@eventline/core';
import { Account } from '../accounts/account.aggregate';
import { RecordTransferStepHandler } from './commands/record-transfer-step';
import { RequestTransferHandler } from './commands/request-transfer';
import { Transfer } from './transfer.aggregate';
import { TransfersController } from './transfers.controller';

@Module({
  imports: [EventlineModule.forFeature([Transfer, Account])],
  controllers: [TransfersController],
  providers: [RequestTransferHandler, RecordTransferStepHandler],
})
export class TransfersModule {}
