import { CommandOptions } from '../commands/command-options';
import { CommandReceipt } from '../commands/command-receipt';
import { DefinitionError } from '../errors';
import { EventMetadata } from '../events/event-metadata';
import { MessageContexts } from '../messaging/message-context';
import type { ProjectionContext } from './projection-context';

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

/** ctx.dispatch of one record: numbered steps, keys derived from the event, the event as cause. */
export function dispatchFor(
  projection: string,
  metadata: EventMetadata,
  dispatcher: CommandDispatcher | undefined,
): ProjectionContext['dispatch'] {
  let ordinal = 0;
  return async <R>(command: object, options: DispatchOptions = {}): Promise<CommandReceipt<R>> => {
    ordinal += 1;
    if (!dispatcher) {
      throw new DefinitionError(
        `Projection "${projection}" dispatched ${command.constructor.name}, but its runner has no command dispatcher: run it through EventlineModule (or pass \`dispatcher\` to ProjectionRunner).`,
        { projection },
      );
    }
    const idempotencyKey = dispatchKey(projection, metadata.eventId, options.step ?? String(ordinal));
    const cause = {
      messageId: metadata.eventId,
      correlationId: metadata.correlationId,
      causationId: metadata.causationId,
      headers: metadata.headers,
    };
    return (await MessageContexts.run(cause, () =>
      dispatcher(command, { idempotencyKey }),
    )) as CommandReceipt<R>;
  };
}
