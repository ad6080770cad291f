import { RecordHeaders } from '../log/record';
import { checkRetries } from './concurrency-retries.decorator';

/** Per-execution options of a command, kept beside it (not in its payload, so not validated or hashed). */
export interface CommandOptions {
  /** Same key + same payload → the first result again, without a second effect; same key + other payload → IDEMPOTENCY_KEY_REUSED. */
  readonly idempotencyKey?: string;
  /** Defaults to the correlation of the message being handled (a reaction's event), else a new id. */
  readonly correlationId?: string;
  /** Defaults to the id of the message being handled, else none. */
  readonly causationId?: string | null;
  /** Application headers copied onto every event the command appends. */
  readonly headers?: RecordHeaders;
  /**
   * Re-runs on fresh state after a lost optimistic-concurrency race, for this execution only; wins
   * over @ConcurrencyRetries on the command class and over the module-wide `concurrencyRetries`.
   */
  readonly concurrencyRetries?: number;
}

const optionsByCommand = new WeakMap<object, CommandOptions>();

/**
 * Attaches options to a command before `commandBus.execute(command)`; returns the command.
 *
 * @example
 * await commandBus.execute(withCommandOptions(new Deposit(id, 50), { idempotencyKey: req.headers['idempotency-key'] }));
 */
export function withCommandOptions<C extends object>(command: C, options: CommandOptions): C {
  if (options.concurrencyRetries !== undefined)
    checkRetries(options.concurrencyRetries, 'concurrencyRetries');
  optionsByCommand.set(command, { ...optionsByCommand.get(command), ...options });
  return command;
}

export function commandOptionsOf(command: object): CommandOptions {
  return optionsByCommand.get(command) ?? {};
}
