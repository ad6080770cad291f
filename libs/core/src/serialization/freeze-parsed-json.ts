/**
 * Deep-freezes what JSON.parse returned (or a fresh object its properties were assigned to): a
 * tree of plain objects and arrays without cycles or symbol keys, so no visited set is needed, and
 * primitives are skipped without a call. For anything else use deepFreeze.
 */
export function freezeParsedJson<T extends object>(value: T): T {
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const child: unknown = value[i];
      if (child !== null && typeof child === 'object') freezeParsedJson(child);
    }
  } else {
    for (const key of Object.keys(value)) {
      const child: unknown = (value as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') freezeParsedJson(child);
    }
  }
  return value;
}
