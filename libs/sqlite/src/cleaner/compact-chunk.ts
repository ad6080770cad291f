import { CleanerStatements } from './cleaner-statements';
import { CompactionRule } from './cleanup-plan';

interface ChunkRow {
  offset: number;
  key: string | null;
  key_version: number | null;
  tombstone: 0 | 1;
  timestamp: number;
  latest_partition: number | null;
  latest_offset: number | null;
}

export interface CompactionProgress {
  /** Last offset examined; the next chunk starts after it. */
  readonly after: number;
  readonly done: boolean;
  readonly superseded: number;
  readonly tombstones: number;
}

/** One compaction pass over one partition. */
export interface CompactionPass {
  readonly topicId: number;
  readonly partition: number;
  /** The partition's end offset when the pass began: records from there on wait for the next pass. */
  readonly end: number;
  /** records_by_key holds this topic's records (keyIndex). */
  readonly keyIndex: boolean;
  readonly rule: CompactionRule;
}

/**
 * Compacts up to `limit` records of one partition after offset `after`; runs inside the caller's
 * write transaction and decides only from what it reads there, so two cleaners (in any processes)
 * can interleave chunks safely: a record once superseded stays superseded.
 *
 * Kafka compacts per partition, so "superseded" means a later record of the same key in the same
 * partition. key_versions answers that from its primary key whenever the key's latest record is in
 * this partition (the murmur2 default); keys moved by explicit partitions need a lookup in the partition.
 *
 * A pass only examines records that existed when it began (as Kafka leaves the active segment alone).
 * That is what makes removing a tombstone safe: every older record of its key was examined by this
 * pass after the tombstone existed, so it was judged superseded and is gone — no old value can
 * come back.
 */
export function compactChunk(
  s: CleanerStatements,
  pass: CompactionPass,
  after: number,
  limit: number,
): CompactionProgress {
  const { topicId, partition, rule } = pass;
  const rows = s.compactionChunk.all(topicId, partition, after, pass.end, limit) as ChunkRow[];
  let superseded = 0;
  let tombstones = 0;
  let cursor = after;
  let run: { from: number; to: number } | undefined;
  const flush = (): void => {
    if (run) s.deleteRange.run(topicId, partition, run.from, run.to);
    run = undefined;
  };
  const remove = (offset: number): void => {
    if (run) run.to = offset;
    else run = { from: offset, to: offset };
  };
  let done = rows.length < limit;
  for (const row of rows) {
    // Kafka's un-cleanable head: everything from the first record younger than the lag on.
    if (row.timestamp > rule.headAfter) {
      done = true;
      break;
    }
    cursor = row.offset;
    const verdict = judge(s, pass, row);
    if (verdict === 'keep') {
      flush();
      continue;
    }
    if (verdict === 'superseded') superseded++;
    else tombstones++;
    remove(row.offset);
  }
  flush();
  return { after: cursor, done, superseded, tombstones };
}

function judge(
  s: CleanerStatements,
  pass: CompactionPass,
  row: ChunkRow,
): 'keep' | 'superseded' | 'tombstone' {
  // Unkeyed records cannot be superseded. Appends refuse them on compacted topics (as Kafka does), but a
  // topic may hold some from before, or from a time its policy was delete: they stay.
  if (row.key === null) return 'keep';
  const { topicId, partition } = pass;
  const latest =
    row.latest_partition === partition
      ? row.latest_offset
      : pass.keyIndex
        ? (s.latestInPartition.get(topicId, row.key, partition) as { offset: number } | undefined)?.offset
        : (s.latestInPartitionScan.get(topicId, partition, row.key) as { offset: number } | undefined)
            ?.offset;
  if (latest === null || latest === undefined) return 'keep';
  if (row.offset < latest) return 'superseded';
  return row.tombstone === 1 && row.timestamp <= pass.rule.tombstonesUntil ? 'tombstone' : 'keep';
}
