import { CleanupPolicy } from '@eventline/core';

/** A record as the model remembers it. */
export interface ModelRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
  readonly timestamp: number;
  readonly keyVersion: number | null;
}

export interface CleanerConfig {
  readonly cleanupPolicy: CleanupPolicy;
  readonly retentionMs: number;
  readonly minCompactionLagMs: number;
  readonly deleteRetentionMs: number;
}

export interface ModelRemovals {
  superseded: number;
  tombstones: number;
  retention: number;
}

/**
 * The cleaner's specification, written the plain way (whole partitions in memory, no chunks, no
 * key_versions): what a log must look like after appends and cleans at given times.
 */
export class LogModel {
  records: ModelRecord[] = [];
  readonly begins: number[];
  readonly ends: number[];
  private readonly versions = new Map<string, number>();

  constructor(
    partitions: number,
    private readonly config: CleanerConfig,
  ) {
    this.begins = Array(partitions).fill(0);
    this.ends = Array(partitions).fill(0);
  }

  append(partition: number, key: string | null, value: string | null, timestamp: number): void {
    let keyVersion: number | null = null;
    if (key !== null) {
      keyVersion = (this.versions.get(key) ?? 0) + 1;
      this.versions.set(key, keyVersion);
    }
    this.records.push({ partition, offset: this.ends[partition]++, key, value, timestamp, keyVersion });
  }

  clean(now: number): ModelRemovals {
    const removed: ModelRemovals = { superseded: 0, tombstones: 0, retention: 0 };
    const c = this.config;
    for (let p = 0; p < this.ends.length; p++) {
      if (c.cleanupPolicy !== 'compact' && c.retentionMs >= 0) removed.retention += this.retain(p, now);
      if (c.cleanupPolicy !== 'delete' && c.minCompactionLagMs >= 0) {
        const r = this.compact(p, now);
        removed.superseded += r.superseded;
        removed.tombstones += r.tombstones;
      }
    }
    return removed;
  }

  partition(p: number): ModelRecord[] {
    return this.records.filter((r) => r.partition === p).sort((a, b) => a.offset - b.offset);
  }

  keys(): string[] {
    return [...this.versions.keys()];
  }

  /** Retention: expired (now - ts > retention.ms) records from the partition start, up to the first young one. */
  private retain(p: number, now: number): number {
    const records = this.partition(p);
    let cut = 0;
    while (cut < records.length && now - records[cut].timestamp > this.config.retentionMs) cut++;
    if (cut === 0) return 0;
    const gone = new Set(records.slice(0, cut));
    this.records = this.records.filter((r) => !gone.has(r));
    this.begins[p] = records[cut]?.offset ?? this.ends[p];
    return cut;
  }

  /**
   * Compaction: before the head (from the first record with now - ts < lag on, when lag > 0), a keyed
   * record goes if a later record of its key is in the partition, or if it is a tombstone at least
   * delete.retention.ms old. Unkeyed records stay.
   */
  private compact(p: number, now: number): { superseded: number; tombstones: number } {
    const records = this.partition(p);
    const { minCompactionLagMs: lag, deleteRetentionMs: dr } = this.config;
    let head = records.findIndex((r) => lag > 0 && now - r.timestamp < lag);
    if (head < 0) head = records.length;
    const latest = new Map<string, number>();
    for (const r of records) if (r.key !== null) latest.set(r.key, r.offset);
    const gone = new Set<ModelRecord>();
    let superseded = 0;
    let tombstones = 0;
    for (const r of records.slice(0, head)) {
      if (r.key === null) continue;
      if (r.offset < latest.get(r.key)!) {
        gone.add(r);
        superseded++;
      } else if (r.value === null && dr >= 0 && now - r.timestamp >= dr) {
        gone.add(r);
        tombstones++;
      }
    }
    this.records = this.records.filter((r) => !gone.has(r));
    return { superseded, tombstones };
  }
}
