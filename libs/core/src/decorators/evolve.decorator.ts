import 'reflect-metadata';
import { EVOLVE_HANDLERS_METADATA } from './constants';

export interface EvolveHandlerMetadata {
  readonly event: abstract new (...args: never[]) => object;
  readonly method: string | symbol;
}

/**
 * Marks an aggregate method as the event-sourcing handler that evolves state from `event`.
 * It runs when the aggregate records the event and when the event is loaded from the log, so it
 * must only assign state: no checks, no side effects (decisions belong in the recording method).
 *
 * A decorator rather than a naming convention (`onDeposited`): the link to the event class is typed
 * and survives renames and minifiers, a typo fails to compile instead of silently skipping state, and
 * the handler's event class also registers the event type for the serializer.
 *
 * @example
 * @Evolve(Deposited)
 * private onDeposited(e: Deposited) { this.balance += e.amount; }
 */
export function Evolve(event: abstract new (...args: never[]) => object): MethodDecorator {
  return (target, method) => {
    const own: EvolveHandlerMetadata[] = Reflect.hasOwnMetadata(EVOLVE_HANDLERS_METADATA, target.constructor)
      ? Reflect.getOwnMetadata(EVOLVE_HANDLERS_METADATA, target.constructor)
      : [];
    Reflect.defineMetadata(EVOLVE_HANDLERS_METADATA, [...own, { event, method }], target.constructor);
  };
}
