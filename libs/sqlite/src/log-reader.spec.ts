import { openDatabase } from './open-database';
import { READER_SQL } from './log-reader';

/** Without ANALYZE statistics SQLite may pick a bad plan; pin the one each hot read needs. */
describe('reader statements use indexes', () => {
  const db = openDatabase({ file: ':memory:' });
  afterAll(() => db.close());

  const plan = (sql: string): string[] =>
    (
      db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...Array((sql.match(/\?/g) ?? []).length).fill(1)) as Array<{
        detail: string;
      }>
    ).map((r) => r.detail);

  it.each([
    ['byOffset', [/SEARCH records USING PRIMARY KEY \(topic_id=\? AND partition=\? AND offset>\?\)/]],
    ['byKey', [/SEARCH records USING INDEX records_by_key \(topic_id=\? AND key=\? AND key_version>\?\)/]],
    [
      'latest',
      [
        /SEARCH kv USING PRIMARY KEY \(topic_id=\? AND key=\?\)/,
        /SEARCH r USING PRIMARY KEY \(topic_id=\? AND partition=\? AND offset=\?\)/,
      ],
    ],
    ['version', [/SEARCH key_versions USING PRIMARY KEY \(topic_id=\? AND key=\?\)/]],
    ['beginOffset', [/SEARCH partitions USING PRIMARY KEY \(topic_id=\? AND partition=\?\)/]],
  ] as const)('%s', (name, expected) => {
    const details = plan(READER_SQL[name]);
    for (const pattern of expected) expect(details.some((d) => pattern.test(d))).toBe(true);
    expect(details.filter((d) => /^SCAN/.test(d))).toEqual([]);
    expect(details.filter((d) => /TEMP B-TREE/.test(d))).toEqual([]);
  });

  it('scans one topic (its primary-key range) for readKey without keyIndex', () => {
    expect(
      plan(READER_SQL.byKeyScan).some((d) => /SEARCH records USING PRIMARY KEY \(topic_id=\?\)/.test(d)),
    ).toBe(true);
  });
});
