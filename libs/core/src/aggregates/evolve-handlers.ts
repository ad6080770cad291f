import 'reflect-metadata';
import { EVOLVE_HANDLERS_METADATA } from '../decorators/constants';
import { EvolveHandlerMetadata } from '../decorators/evolve.decorator';
import { EventClass } from '../events/event-class';

const cache = new WeakMap<object, Map<EventClass, string | symbol>>();

/** Event class → method name of the @Evolve handlers of an aggregate class, including inherited ones. */
export function evolveHandlersOf(
  cls: abstract new (...args: never[]) => object,
): ReadonlyMap<EventClass, string | symbol> {
  const cached = cache.get(cls);
  if (cached) return cached;
  const chain: object[] = [];
  for (let c: object | null = cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c))
    chain.unshift(c);
  const handlers = new Map<EventClass, string | symbol>();
  for (const c of chain) {
    const own = (Reflect.getOwnMetadata(EVOLVE_HANDLERS_METADATA, c) ?? []) as EvolveHandlerMetadata[];
    for (const { event, method } of own) handlers.set(event, method);
  }
  cache.set(cls, handlers);
  return handlers;
}
