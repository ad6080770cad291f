/** A stored event payload: parsed JSON. */
export type EventPayload = Record<string, unknown>;

/**
 * Turns the payload of `type` at schema `fromVersion` into the payload at `fromVersion + 1`.
 * Upcasters run on read, chained (v1→v2→v3), so old events are read as the current class;
 * the log itself is never rewritten. Pure functions of the payload.
 *
 * @example
 * const depositedV1toV2: Upcaster = { type: 'account.deposited', fromVersion: 1, upcast: (p) => ({ ...p, currency: 'EUR' }) };
 */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  upcast(payload: EventPayload): EventPayload;
}
