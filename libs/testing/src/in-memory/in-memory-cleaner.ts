import { hasRetention, isCompacted, LogRecord } from '@eventline/core';
import { InMemoryTopic } from './in-memory-topic';

export interface InMemoryCleanStats {
  readonly superseded: number;
  readonly tombstones: number;
  readonly retention: number;
}

/**
 * The SQLite engine's cleaner rules, on arrays: retention cuts expired records from each partition's
 * start (moving the log start offset); compaction keeps the latest record per key per partition,
 * drops tombstones older than delete.retention.ms and leaves the min.compaction.lag.ms head alone.
 * Offsets never change. Runs whole, at once: nothing can append in between.
 */
export function cleanTopic(topic: InMemoryTopic, now: number): InMemoryCleanStats {
  const config = topic.description.config;
  let superseded = 0;
  let tombstones = 0;
  let retention = 0;
  for (const partition of topic.partitions) {
    if (hasRetention(config)) {
      const expireBefore = now - config.retentionMs;
      let cut = 0;
      while (cut < partition.records.length && partition.records[cut].timestamp < expireBefore) cut++;
      if (cut > 0) {
        retention += cut;
        partition.records = partition.records.slice(cut);
      }
      partition.beginOffset = partition.records[0]?.offset ?? partition.endOffset;
    }
    // A lag of -1 ("forever") keeps every record in the head: nothing is compacted.
    if (!isCompacted(config) || config.minCompactionLagMs < 0) continue;
    const headAfter = config.minCompactionLagMs > 0 ? now - config.minCompactionLagMs : Infinity;
    const tombstonesUntil = config.deleteRetentionMs >= 0 ? now - config.deleteRetentionMs : -Infinity;
    const latest = new Map<string, number>();
    for (const r of partition.records) if (r.key !== null) latest.set(r.key, r.offset);
    const head = partition.records.findIndex((r) => r.timestamp > headAfter);
    const kept: LogRecord[] = [];
    partition.records.forEach((r, i) => {
      if (r.key === null || (head >= 0 && i >= head)) return void kept.push(r);
      if (r.offset < latest.get(r.key)!) superseded++;
      else if (r.value === null && r.timestamp <= tombstonesUntil) tombstones++;
      else kept.push(r);
    });
    partition.records = kept;
  }
  return { superseded, tombstones, retention };
}
