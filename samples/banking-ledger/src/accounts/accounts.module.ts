import { Module } from '@nestjs/common';
import { EventlineModule } from '@eventline/core';
import { Account } from './account.aggregate';
import { AccountsController } from './accounts.controller';
import { CloseAccountHandler } from './commands/close-account';
import { DepositMoneyHandler } from './commands/deposit-money';
import { OpenAccountHandler } from './commands/open-account';
import { ReceiveTransferHandler } from './commands/receive-transfer';
import { RefundTransferHandler } from './commands/refund-transfer';
import { SendTransferHandler } from './commands/send-transfer';
import { SettleTransferHandler } from './commands/settle-transfer';
import { WithdrawMoneyHandler } from './commands/withdraw-money';

@Module({
  imports: [EventlineModule.forFeature([Account])],
  controllers: [AccountsController],
  providers: [
    OpenAccountHandler,
    DepositMoneyHandler,
    WithdrawMoneyHandler,
    CloseAccountHandler,
    SendTransferHandler,
    ReceiveTransferHandler,
    RefundTransferHandler,
    SettleTransferHandler,
  ],
})
export class AccountsModule {}
