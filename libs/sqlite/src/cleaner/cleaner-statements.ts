import type Database from 'better-sqlite3';

/**
 * The cleaner's SQL. Every statement is an index search, never a table scan; the plans below
 * are asserted by cleaner-statements.spec.ts because SQLite without ANALYZE statistics can pick
 * the wrong index (see the performance notes).
 */
export const CLEANER_SQL = {
  /**
   * A chunk of a partition in offset order, up to where the pass ends, each record with its key's latest position.
   * Plan: SEARCH r USING PRIMARY KEY (topic_id=? AND partition=? AND offset>? AND offset<?)
   *       SEARCH kv USING PRIMARY KEY (topic_id=? AND key=?) — LEFT JOIN keeps records as the outer loop.
   * `value IS NULL` reads the type only, not the (possibly overflowing) value bytes.
   */
  compactionChunk: `SELECT r.offset, r.key, r.key_version, r.value IS NULL AS tombstone, r.timestamp,
      kv.partition AS latest_partition, kv.last_offset AS latest_offset
    FROM records r LEFT JOIN key_versions kv ON kv.topic_id = r.topic_id AND kv.key = r.key
    WHERE r.topic_id = ? AND r.partition = ? AND r.offset > ? AND r.offset < ? ORDER BY r.offset LIMIT ?`,
  /**
   * Latest record of a key within one partition, for keys whose latest record overall was written
   * to another partition (explicit partitions), on topics with keyIndex.
   * Plan: SEARCH records USING COVERING INDEX records_by_key (topic_id=? AND key=?).
   */
  latestInPartition: `SELECT offset FROM records INDEXED BY records_by_key
    WHERE topic_id = ? AND key = ? AND partition = ? AND key_indexed = 1 ORDER BY key_version DESC LIMIT 1`,
  /**
   * The same without keyIndex: the partition read backwards from its end to the key's last record.
   * Only keys moved by explicit partitions get here. Plan: SEARCH records USING PRIMARY KEY (topic_id=? AND partition=?).
   */
  latestInPartitionScan: `SELECT offset FROM records
    WHERE topic_id = ? AND partition = ? AND key = ? ORDER BY offset DESC LIMIT 1`,
  /**
   * A run of records that were adjacent in a chunk: no kept record lies between `from` and `to`, and
   * appends only ever land at the end, so the range holds exactly the run. One statement per run
   * instead of one per record is what makes compacting a long superseded history fast.
   * Plan: SEARCH records USING PRIMARY KEY (topic_id=? AND partition=? AND offset>? AND offset<?)
   */
  deleteRange: 'DELETE FROM records WHERE topic_id = ? AND partition = ? AND offset >= ? AND offset <= ?',
  /**
   * Where a compaction pass ends: records appended while it runs are left to the next pass.
   * Plan: SEARCH partitions USING PRIMARY KEY (topic_id=? AND partition=?).
   */
  endOffset: 'SELECT end_offset FROM partitions WHERE topic_id = ? AND partition = ?',
  /** Plan: SEARCH records USING PRIMARY KEY (topic_id=? AND partition=?) */
  retentionChunk:
    'SELECT offset, timestamp FROM records WHERE topic_id = ? AND partition = ? ORDER BY offset LIMIT ?',
  /** Plan: SEARCH records USING PRIMARY KEY (topic_id=? AND partition=? AND offset<?) */
  deleteThrough: 'DELETE FROM records WHERE topic_id = ? AND partition = ? AND offset <= ?',
  /**
   * The log start offset follows retention to the first record left, or to the end offset when none is;
   * MAX() keeps it monotonic whichever of two racing cleaners commits last.
   * Plan: SEARCH partitions USING PRIMARY KEY; SEARCH records USING PRIMARY KEY (topic_id=? AND partition=?).
   */
  advanceBegin: `UPDATE partitions SET begin_offset = MAX(begin_offset, COALESCE(
      (SELECT r.offset FROM records r WHERE r.topic_id = partitions.topic_id AND r.partition = partitions.partition
       ORDER BY r.offset LIMIT 1), end_offset))
    WHERE topic_id = ? AND partition = ?`,
} as const;

export type CleanerStatements = { readonly [K in keyof typeof CLEANER_SQL]: Database.Statement };

export function prepareCleanerStatements(db: Database.Database): CleanerStatements {
  return Object.fromEntries(
    Object.entries(CLEANER_SQL).map(([name, sql]) => [name, db.prepare(sql)]),
  ) as unknown as CleanerStatements;
}
