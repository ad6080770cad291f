import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandGateway } from '@eventline/core';
import { commandFromBody } from '../http/command-from-body';
import { IdempotencyKey } from '../http/idempotency-key.decorator';
import { AccountMovementResult } from './commands/account-movement-result';
import { CloseAccount } from './commands/close-account';
import { DepositMoney } from './commands/deposit-money';
import { OpenAccount } from './commands/open-account';
import { WithdrawMoney } from './commands/withdraw-money';

/**
 * The write side of accounts. Each POST sends one command through the CommandGateway, which
 * validates it, runs its handler, appends the events atomically with the idempotency record and
 * returns a receipt whose `position` a client can pass back as `X-Consistent-With`.
 */
@Controller('accounts')
export class AccountsController {
  constructor(private readonly commands: CommandGateway) {}

  @Post()
  async open(
    @Body() body: unknown,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<{ accountId: string; position: string }> {
    const command = commandFromBody(OpenAccount, body);
    const { result, position } = await this.commands.send<{ accountId: string }>(command, { idempotencyKey });
    return { accountId: result.accountId, position };
  }

  @Post(':id/deposits')
  deposit(@Param('id') accountId: string, @Body() body: unknown, @IdempotencyKey() idempotencyKey?: string) {
    return this.move(commandFromBody(DepositMoney, body, { accountId }), idempotencyKey);
  }

  @Post(':id/withdrawals')
  withdraw(@Param('id') accountId: string, @Body() body: unknown, @IdempotencyKey() idempotencyKey?: string) {
    return this.move(commandFromBody(WithdrawMoney, body, { accountId }), idempotencyKey);
  }

  @Post(':id/close')
  @HttpCode(200)
  close(@Param('id') accountId: string, @Body() body: unknown, @IdempotencyKey() idempotencyKey?: string) {
    return this.move(commandFromBody(CloseAccount, body, { accountId }), idempotencyKey);
  }

  private async move(
    command: object,
    idempotencyKey: string | undefined,
  ): Promise<AccountMovementResult & { position: string }> {
    const { result, position } = await this.commands.send<AccountMovementResult>(command, { idempotencyKey });
    return { ...result, position };
  }
}
