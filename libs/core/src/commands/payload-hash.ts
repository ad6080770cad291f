import { createHash } from 'crypto';

/** sha256 of the command's class name and canonical JSON (sorted keys): equal payloads hash equal. */
export function payloadHash(command: object): string {
  return createHash('sha256')
    .update(command.constructor.name)
    .update('\u0000')
    .update(canonicalJson(command))
    .digest('hex');
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
