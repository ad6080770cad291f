import { openDatabase } from '../open-database';
import { CLEANER_SQL } from './cleaner-statements';

/** Without ANALYZE statistics SQLite may pick a bad plan; pin the one each cleaner statement needs. */
describe('cleaner statements use indexes', () => {
  const db = openDatabase({ file: ':memory:' });
  afterAll(() => db.close());

  const plan = (sql: string): string[] =>
    (
      db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array(countParams(sql)).fill(1)) as Array<{
        detail: string;
      }>
    ).map((r) => r.detail);

  it.each([
    [
      'compactionChunk',
      [
        /SEARCH r USING PRIMARY KEY \(topic_id=\? AND partition=\? AND offset>\? AND offset<\?\)/,
        /SEARCH kv USING PRIMARY KEY \(topic_id=\? AND key=\?\)/,
      ],
    ],
    [
      'latestInPartition',
      [/SEARCH records USING (COVERING )?INDEX records_by_key \(topic_id=\? AND key=\?\)/],
    ],
    [
      'deleteRange',
      [/SEARCH records USING PRIMARY KEY \(topic_id=\? AND partition=\? AND offset>\? AND offset<\?\)/],
    ],
    ['latestInPartitionScan', [/SEARCH records USING PRIMARY KEY \(topic_id=\? AND partition=\?\)/]],
    ['endOffset', [/SEARCH partitions USING PRIMARY KEY \(topic_id=\? AND partition=\?\)/]],
    ['retentionChunk', [/SEARCH records USING PRIMARY KEY \(topic_id=\? AND partition=\?\)/]],
    ['deleteThrough', [/SEARCH records USING PRIMARY KEY \(topic_id=\? AND partition=\? AND offset<\?\)/]],
    [
      'advanceBegin',
      [
        /SEARCH partitions USING PRIMARY KEY \(topic_id=\? AND partition=\?\)/,
        /SEARCH r USING PRIMARY KEY \(topic_id=\? AND partition=\?\)/,
      ],
    ],
  ] as const)('%s', (name, expected) => {
    const details = plan(CLEANER_SQL[name]);
    for (const pattern of expected) expect(details.some((d) => pattern.test(d))).toBe(true);
    expect(details.filter((d) => /^SCAN/.test(d))).toEqual([]);
    expect(details.filter((d) => /TEMP B-TREE/.test(d))).toEqual([]);
  });
});

function countParams(sql: string): number {
  return (sql.match(/\?/g) ?? []).length;
}
