import { TopicConfig, hasRetention, isCompacted } from '@eventline/core';

/**
 * What one clean may remove from a topic, as timestamp thresholds fixed once per clean (one
 * reading of the injected clock), so every chunk of a clean judges records by the same "now".
 */
export interface CleanupPlan {
  /** Retention: a record is expired when `timestamp < expireBefore` (Kafka: now - ts > retention.ms). */
  readonly expireBefore?: number;
  readonly compaction?: CompactionRule;
}

export interface CompactionRule {
  /**
   * min.compaction.lag.ms: the first record with `timestamp > headAfter` starts the un-cleanable
   * head of its partition. +Infinity when the lag is 0: Kafka then ignores timestamps entirely.
   */
  readonly headAfter: number;
  /**
   * delete.retention.ms: a tombstone that is the latest of its key goes when `timestamp <= tombstonesUntil`
   * (Kafka removes it once now ≥ its delete horizon). -Infinity when tombstones are kept forever (-1).
   */
  readonly tombstonesUntil: number;
}

export function planCleanup(config: TopicConfig, now: number): CleanupPlan | undefined {
  const expireBefore = hasRetention(config) ? now - config.retentionMs : undefined;
  // A lag of -1 ("forever") leaves every record in the head: nothing is ever compacted.
  const compaction =
    isCompacted(config) && config.minCompactionLagMs >= 0
      ? {
          headAfter: config.minCompactionLagMs > 0 ? now - config.minCompactionLagMs : Infinity,
          tombstonesUntil: config.deleteRetentionMs >= 0 ? now - config.deleteRetentionMs : -Infinity,
        }
      : undefined;
  if (expireBefore === undefined && compaction === undefined) return undefined;
  return { expireBefore, compaction };
}
