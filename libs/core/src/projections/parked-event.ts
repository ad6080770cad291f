import { RecordPosition } from '../log/record';

/**
 * A record a projection set aside: its handler kept failing (`failed`), or an earlier record of the
 * same key is parked (`waiting`: per-key order is kept). Parked records are checkpointed past;
 * retry or skip them through `Projections`.
 */
export interface ParkedEvent extends RecordPosition {
  readonly projection: string;
  readonly key: string | null;
  readonly type: string;
  readonly reason: 'failed' | 'waiting';
  /** The handler's error message (for `waiting`: which record it waits behind). */
  readonly error: string;
  readonly parkedAt: number;
}

/** What to do with a record whose handler still fails after `maxRetries` retries. */
export type PoisonPolicy = 'stop' | 'park';

/** Identity of a key within a topic, as used by parked-key sets. */
export function parkedKeyId(topic: string, key: string): string {
  return `${topic}\u0000${key}`;
}

/** `topic:partition@offset`. */
export function positionId(p: RecordPosition): string {
  return `${p.topic}:${p.partition}@${p.offset}`;
}
