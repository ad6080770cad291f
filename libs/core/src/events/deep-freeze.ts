/**
 * Freezes `value` and everything reachable through its own properties (objects and arrays), so an
 * event can be shared by handlers, reactions and tests without anyone changing history. Returns `value`.
 * Map, Set and Date internals cannot be frozen: events should hold plain JSON-like data.
 */
export function deepFreeze<T>(value: T, seen?: WeakSet<object>): T {
  if (value === null || typeof value !== 'object' || seen?.has(value)) return value;
  seen?.add(value);
  Object.freeze(value);
  for (const key of Reflect.ownKeys(value)) {
    const child = (value as Record<string | symbol, unknown>)[key];
    // Primitives need no call; the visited set is only made once there is something to descend into.
    if (child !== null && typeof child === 'object') deepFreeze(child, (seen ??= new WeakSet([value])));
  }
  return value;
}
