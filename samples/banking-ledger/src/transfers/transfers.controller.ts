import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandGateway } from '@eventline/core';
import { commandFromBody } from '../http/command-from-body';
import { IdempotencyKey } from '../http/idempotency-key.decorator';
import { RequestTransfer } from './commands/request-transfer';

@Controller('transfers')
export class TransfersController {
  constructor(private readonly commands: CommandGateway) {}

  /** 202: the transfer is recorded; the transfer process moves the money right after. */
  @Post()
  @HttpCode(202)
  async request(
    @Body() body: unknown,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<{ transferId: string; position: string }> {
    const command = commandFromBody(RequestTransfer, body);
    const { result, position } = await this.commands.send<{ transferId: string }>(command, {
      idempotencyKey,
    });
    return { transferId: result.transferId, position };
  }
}
