import { CommandBus } from '@nestjs/cqrs';
import { CommandPipeline } from '../commands/command-pipeline';
import { storeCommandReceipt } from '../commands/command-receipt';

const INSTALLED = Symbol('eventline.pipeline-installed');

/**
 * Puts the command pipeline in front of every handler of a @nestjs/cqrs CommandBus, whoever calls
 * `execute` (controllers, sagas, reactions). The bus has no middleware hook, so its `execute` is
 * wrapped once; handlers stay plain @CommandHandler classes and return their value as usual.
 */
export function installCommandPipeline(bus: CommandBus, pipeline: CommandPipeline): void {
  const target = bus as CommandBus & { [INSTALLED]?: true };
  if (target[INSTALLED]) return;
  const execute = bus.execute.bind(bus) as (command: object, context?: unknown) => Promise<unknown>;
  const wrapped = async (command: object, context?: unknown): Promise<unknown> => {
    const receipt = await pipeline.execute(command, () => execute(command, context));
    // The bus returns only the result: the receipt waits on the command for CommandGateway.
    storeCommandReceipt(command, receipt);
    return receipt.result;
  };
  Object.defineProperty(target, 'execute', { value: wrapped, configurable: true, writable: true });
  Object.defineProperty(target, INSTALLED, { value: true });
}
