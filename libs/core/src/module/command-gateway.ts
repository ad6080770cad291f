import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandOptions, withCommandOptions } from '../commands/command-options';
import { CommandReceipt, commandReceiptOf } from '../commands/command-receipt';
import { DefinitionError } from '../errors';

/**
 * Sends a command through the CommandBus and returns its receipt: the handler's result plus the
 * appended positions and a consistency token. Use `commandBus.execute` when the result is enough.
 *
 * @example
 * const { result, position, replayed } = await gateway.send(new Deposit(id, 50), { idempotencyKey });
 */
@Injectable()
export class CommandGateway {
  constructor(private readonly commandBus: CommandBus) {}

  async send<R = unknown>(command: object, options: CommandOptions = {}): Promise<CommandReceipt<R>> {
    await this.commandBus.execute(withCommandOptions(command, options));
    const receipt = commandReceiptOf<R>(command);
    if (!receipt) {
      throw new DefinitionError(
        `No receipt for ${command.constructor.name}: the Eventline command pipeline is not installed. Import EventlineModule.forRoot().`,
      );
    }
    return receipt;
  }
}
