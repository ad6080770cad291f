/**
 * Freezes `value` and everything reachable through its own properties (objects and arrays), so an
 * event can be shared by handlers, reactions and tests without anyone changing history. Returns `value`.
 * Map, Set and Date internals cannot be frozen: events should hold plain JSON-like data.
 */
export function deepFreeze<T>(value: T, seen: WeakSet<object> = new WeakSet()): T {
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  Object.freeze(value);
  for (const key of Reflect.ownKeys(value)) {
    deepFreeze((value as Record<string | symbol, unknown>)[key], seen);
  }
  return value;
}
