import { Module } from '@nestjs/common';
import { EventlineModule } from '@eventline/core';
import { TypeOrmReadModelsModule } from '@eventline/typeorm';
import { Account } from './account.aggregate';
import { AccountQueriesController } from './account-queries.controller';
import { AccountsController } from './accounts.controller';
import { CloseAccountHandler } from './commands/close-account';
import { DepositMoneyHandler } from './commands/deposit-money';
import { OpenAccountHandler } from './commands/open-account';
import { ReceiveTransferHandler } from './commands/receive-transfer';
import { RefundTransferHandler } from './commands/refund-transfer';
import { SendTransferHandler } from './commands/send-transfer';
import { SettleTransferHandler } from './commands/settle-transfer';
import { WithdrawMoneyHandler } from './commands/withdraw-money';
import { GetAccountHandler } from './queries/get-account';
import { GetStatementHandler } from './queries/get-statement';
import { AccountView } from './read-model/account-view.entity';
import { AccountsProjection } from './read-model/accounts.projection';
import { StatementEntry } from './read-model/statement-entry.entity';

@Module({
  imports: [
    EventlineModule.forFeature([Account]),
    TypeOrmReadModelsModule.forFeature([AccountView, StatementEntry]),
  ],
  controllers: [AccountsController, AccountQueriesController],
  providers: [
    OpenAccountHandler,
    DepositMoneyHandler,
    WithdrawMoneyHandler,
    CloseAccountHandler,
    SendTransferHandler,
    ReceiveTransferHandler,
    RefundTransferHandler,
    SettleTransferHandler,
    AccountsProjection,
    GetAccountHandler,
    GetStatementHandler,
  ],
})
export class AccountsModule {}
