import 'reflect-metadata';
import { EVENT_METADATA } from './constants';
import { deepFreeze } from '../events/deep-freeze';

export interface EventOptions {
  /** Schema version of this class's shape (default 1). Bump it, and add an upcaster, when the shape changes. */
  readonly version?: number;
}

export interface EventDefinition {
  readonly type: string;
  readonly version: number;
}

/**
 * Marks a class as an event of `type` (stable, stored in the log: never rename it) at schema `version`.
 * Instances are deep-frozen as soon as their constructor returns.
 *
 * Unlike the other decorators this one wraps the class: freezing "at creation" needs a constructor
 * that runs after the user's, and a subclass is the only way to get one without asking every event
 * to remember a call. The wrapper keeps the name, prototype chain and `instanceof`.
 *
 * @example
 * @Event('account.deposited', { version: 1 })
 * export class Deposited { constructor(readonly accountId: string, readonly amount: number) {} }
 */
export function Event(type: string, options: EventOptions = {}): ClassDecorator {
  const definition: EventDefinition = Object.freeze({ type, version: options.version ?? 1 });
  return ((target: new (...args: never[]) => object) => {
    const Frozen = class extends target {
      constructor(...args: never[]) {
        super(...args);
        if (new.target === Frozen) deepFreeze(this);
      }
    };
    Object.defineProperty(Frozen, 'name', { value: target.name });
    Reflect.defineMetadata(EVENT_METADATA, definition, Frozen);
    return Frozen;
  }) as ClassDecorator;
}
