import { CommandOptions } from '../commands/command-options';
import { CommandReceipt } from '../commands/command-receipt';

/** Sends a command through the application's command pipeline (EventlineModule: the CommandGateway). */
export type CommandDispatcher = (command: object, options: CommandOptions) => Promise<CommandReceipt>;

/** Options of one `ctx.dispatch` call. */
export interface DispatchOptions {
  /**
   * Names this dispatch within the handling of one event (default: its ordinal, 1, 2, ...). The
   * idempotency key is `<projection>:<eventId>:<step>`; name steps when a handler's dispatches are
   * conditional, so that a re-delivery maps each dispatch to the same key.
   */
  readonly step?: string;
}

/** The deterministic idempotency key of a dispatch caused by one event. */
export function dispatchKey(projection: string, eventId: string, step: string): string {
  return `${projection}:${eventId}:${step}`;
}
