import 'reflect-metadata';
import { ON_HANDLERS_METADATA } from './projection.constants';

export interface OnHandlerMetadata {
  readonly event: abstract new (...args: never[]) => object;
  readonly method: string | symbol;
}

/**
 * Marks a projection method as the handler of `event`. It is called with the event and a
 * ProjectionContext inside the batch's read-model transaction; write only through `ctx.manager`.
 *
 * @example
 * @On(Deposited)
 * async deposited(e: Deposited, ctx: ProjectionContext<EntityManager>) { await ctx.manager.increment(Balance, { id: e.accountId }, 'amount', e.amount); }
 */
export function On(event: abstract new (...args: never[]) => object): MethodDecorator {
  return (target, method) => {
    const own: OnHandlerMetadata[] = Reflect.hasOwnMetadata(ON_HANDLERS_METADATA, target.constructor)
      ? Reflect.getOwnMetadata(ON_HANDLERS_METADATA, target.constructor)
      : [];
    Reflect.defineMetadata(ON_HANDLERS_METADATA, [...own, { event, method }], target.constructor);
  };
}
