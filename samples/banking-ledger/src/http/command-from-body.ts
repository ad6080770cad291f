import { ValidationError } from '@eventline/core';

// Keys that could reach an object's prototype if copied naively.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Builds a command from a JSON request body plus values taken from the path. Only the body's own
 * keys are copied, never prototype keys, and a body may not override a path value. Everything else
 * (types, ranges, unknown fields) is checked by class-validator when the command reaches the bus.
 *
 * @example
 * commandFromBody(DepositMoney, body, { accountId: id }) // { accountId, amount, reference? }
 */
export function commandFromBody<C extends object>(
  type: new () => C,
  body: unknown,
  fromPath: Partial<C> = {},
): C {
  const fields = body ?? {};
  if (typeof fields !== 'object' || Array.isArray(fields)) {
    throw new ValidationError('The request body must be a JSON object.', { body: typeof fields });
  }
  const command = new type();
  for (const [key, value] of Object.entries(fields)) {
    if (FORBIDDEN_KEYS.has(key) || Object.hasOwn(fromPath, key)) {
      throw new ValidationError(`"${key}" is not accepted in the request body.`, { property: key });
    }
    Object.defineProperty(command, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return Object.assign(command, fromPath);
}
