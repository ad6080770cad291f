import { RecordPosition } from '../log/record';
import { StreamWrite } from '../messaging/unit-of-work';

/** What executing a command did: its handler's result and where its events went. */
export interface CommandReceipt<R = unknown> {
  /** The handler's return value (for a replay: the stored JSON of the first result). */
  readonly result: R;
  /** Positions of the appended events, in append order. */
  readonly positions: readonly RecordPosition[];
  /** Consistency token for read-your-writes (see encodePositionToken); '' when nothing was appended. */
  readonly position: string;
  readonly streams: readonly StreamWrite[];
  /** True when an idempotency key matched an earlier execution and nothing new happened. */
  readonly replayed: boolean;
}

const receipts = new WeakMap<object, CommandReceipt>();

export function storeCommandReceipt(command: object, receipt: CommandReceipt): void {
  receipts.set(command, receipt);
}

/**
 * The receipt of the last execution of this command instance through the CommandBus (which returns
 * only the handler's result). `CommandPipeline.execute` returns its receipt and keeps none: a kept
 * receipt lives as long as the command object.
 */
export function commandReceiptOf<R = unknown>(command: object): CommandReceipt<R> | undefined {
  return receipts.get(command) as CommandReceipt<R> | undefined;
}
