import { AsyncLocalStorage } from 'async_hooks';
import { RecordHeaders } from '../log/record';
import type { UnitOfWork } from './unit-of-work';
import { uuidV4 } from './uuid-v4';

/**
 * The message (command or event) being handled right now, carried through async calls so that
 * everything it causes gets its correlation and causation without handlers passing them along.
 */
export interface MessageContext {
  /** Id of the current message: the command id, or the event id while reactions to an event run. */
  readonly messageId: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly headers: RecordHeaders;
  /** Present while a command handler runs: repository saves are staged here and committed after it returns. */
  readonly unitOfWork?: UnitOfWork;
}

const storage = new AsyncLocalStorage<MessageContext>();

export const MessageContexts = Object.freeze({
  current(): MessageContext | undefined {
    return storage.getStore();
  },
  run<T>(context: MessageContext, fn: () => T): T {
    return storage.run(context, fn);
  },
  /** A context for a new message caused by the current one (or a new correlation if there is none). */
  next(overrides: Partial<Omit<MessageContext, 'unitOfWork'>> = {}): MessageContext {
    const parent = storage.getStore();
    const messageId = overrides.messageId ?? uuidV4();
    return {
      messageId,
      correlationId: overrides.correlationId ?? parent?.correlationId ?? messageId,
      causationId: overrides.causationId !== undefined ? overrides.causationId : (parent?.messageId ?? null),
      headers: { ...(parent?.headers ?? {}), ...(overrides.headers ?? {}) },
    };
  },
});
