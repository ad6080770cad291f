import { ValidationError } from '../errors';

const RETRIES = Symbol('eventline:concurrency-retries');

/**
 * How often a command of this class is re-run on fresh state after losing an optimistic-concurrency
 * race, instead of the module-wide `concurrencyRetries`. A per-send `concurrencyRetries` option
 * (withCommandOptions / CommandGateway.send) wins over both.
 *
 * @example
 * @ConcurrencyRetries(10) // a hot aggregate: retry harder than the rest
 * export class Deposit { ... }
 */
export function ConcurrencyRetries(retries: number): ClassDecorator {
  checkRetries(retries, 'ConcurrencyRetries');
  return (target) => {
    Object.defineProperty(target, RETRIES, { value: retries, enumerable: false });
  };
}

/** The retries declared on the command's class (or a parent class), if any. */
export function concurrencyRetriesOf(command: object): number | undefined {
  return (command.constructor as unknown as Record<symbol, number | undefined>)[RETRIES];
}

export function checkRetries(retries: unknown, where: string): void {
  if (!Number.isSafeInteger(retries) || (retries as number) < 0) {
    throw new ValidationError(`${where}: retries must be a whole number ≥ 0, got ${String(retries)}.`, {
      retries,
    });
  }
}
