import { CleanerStatements } from './cleaner-statements';

export interface RetentionProgress {
  readonly done: boolean;
  readonly removed: number;
}

/**
 * Deletes the expired prefix of a partition, at most `limit` records, inside the caller's write
 * transaction. Like Kafka's segment deletion it only ever cuts from the log start and stops at the
 * first record young enough, even if older records follow it; the log start offset moves with it.
 */
export function retentionChunk(
  s: CleanerStatements,
  topicId: number,
  partition: number,
  limit: number,
  expireBefore: number,
): RetentionProgress {
  const rows = s.retentionChunk.all(topicId, partition, limit) as Array<{
    offset: number;
    timestamp: number;
  }>;
  let expired = 0;
  while (expired < rows.length && rows[expired].timestamp < expireBefore) expired++;
  if (expired === 0) return { done: true, removed: 0 };
  const removed = s.deleteThrough.run(topicId, partition, rows[expired - 1].offset).changes;
  s.advanceBegin.run(topicId, partition);
  return { done: expired < rows.length || rows.length < limit, removed };
}
