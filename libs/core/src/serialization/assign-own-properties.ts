/**
 * Copies a parsed JSON object's own properties onto `target` as plain data properties.
 * Unlike Object.assign, a `"__proto__"` key (which JSON.parse keeps as an own property) becomes an
 * ordinary property instead of replacing the target's prototype, so stored data cannot change what
 * class an event or aggregate is.
 */
export function assignOwnProperties<T extends object>(target: T, source: unknown): T {
  if (source === null || typeof source !== 'object') return target;
  for (const key of Object.keys(source)) {
    Object.defineProperty(target, key, {
      value: (source as Record<string, unknown>)[key],
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return target;
}
