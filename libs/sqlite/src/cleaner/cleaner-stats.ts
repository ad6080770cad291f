/** What one clean did. Durations are wall-clock (performance.now), not the injected clock. */
export interface CleanerStats {
  /** Topics that have something to clean (a compact policy, or delete with retention ≥ 0) and were examined. */
  readonly topics: number;
  /** Partitions of those topics examined. */
  readonly partitions: number;
  /** Partitions that lost at least one record. */
  readonly partitionsChanged: number;
  /** Sum of `removed`. */
  readonly recordsRemoved: number;
  readonly removed: {
    /** Compaction: records with a later record of the same key in the same partition. */
    readonly superseded: number;
    /** Compaction: tombstones that were the latest of their key and older than delete.retention.ms. */
    readonly tombstones: number;
    /** Retention: records older than retention.ms cut from the log start. */
    readonly retention: number;
  };
  readonly durationMs: number;
  /** True when stop() (or close) cut this clean short at a chunk boundary; what it removed stays removed. */
  readonly interrupted: boolean;
}

export class StatsTally {
  topics = 0;
  partitions = 0;
  partitionsChanged = 0;
  superseded = 0;
  tombstones = 0;
  retention = 0;

  finish(durationMs: number, interrupted: boolean): CleanerStats {
    const removed = { superseded: this.superseded, tombstones: this.tombstones, retention: this.retention };
    return {
      topics: this.topics,
      partitions: this.partitions,
      partitionsChanged: this.partitionsChanged,
      recordsRemoved: removed.superseded + removed.tombstones + removed.retention,
      removed,
      durationMs,
      interrupted,
    };
  }

  total(): number {
    return this.superseded + this.tombstones + this.retention;
  }
}
