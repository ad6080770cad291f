import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_TOPIC_CONFIG } from '@eventline/core';
import { SqliteEventLog } from '@eventline/sqlite';
import { SCHEMA_V1 } from './fixtures/schema-v1';

const dir = mkdtempSync(join(tmpdir(), 'eventline-migration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sqlite schema migration', () => {
  it('opens a version-1 file: its topics keep their key index, records and versions are untouched', async () => {
    const file = join(dir, 'v1.db');
    const v1 = new Database(file);
    v1.exec(SCHEMA_V1);
    v1.prepare("INSERT INTO topics VALUES (1, 'acc.events', 1, ?, 0)").run(
      JSON.stringify(DEFAULT_TOPIC_CONFIG),
    );
    v1.prepare('INSERT INTO partitions VALUES (1, 0, 0, 2)').run();
    const insert = v1.prepare("INSERT INTO records VALUES (1, 0, ?, 'a', ?, ?, NULL, 5)");
    insert.run(0, 1, Buffer.from('a1'));
    insert.run(1, 2, Buffer.from('a2'));
    v1.prepare("INSERT INTO key_versions VALUES (1, 'a', 2, 0, 1)").run();
    v1.close();

    const log = SqliteEventLog.open({ file });
    try {
      expect(await log.describeTopic('acc.events')).toMatchObject({ keyIndex: true });
      expect((await log.readKey('acc.events', 'a')).map((r) => r.value?.toString())).toEqual(['a1', 'a2']);
      expect((await log.readLatest('acc.events', 'a'))?.keyVersion).toBe(2);
      await log.append({
        records: [{ topic: 'acc.events', key: 'a', value: Buffer.from('a3') }],
        expectations: [{ topic: 'acc.events', key: 'a', version: 2 }],
      });
      expect((await log.readKey('acc.events', 'a', 2)).map((r) => r.value?.toString())).toEqual(['a3']);
    } finally {
      await log.close();
    }
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT version FROM eventline_schema').pluck().get()).toBe(2);
      // All three records are in the (new, partial) index.
      expect(
        db
          .prepare(
            'SELECT count(*) FROM records INDEXED BY records_by_key WHERE topic_id = 1 AND key_indexed = 1',
          )
          .pluck()
          .get(),
      ).toBe(3);
    } finally {
      db.close();
    }
  });

  it('refuses a file from a newer Eventline', async () => {
    const file = join(dir, 'future.db');
    const future = new Database(file);
    future.exec(
      'CREATE TABLE eventline_schema (version INTEGER NOT NULL); INSERT INTO eventline_schema VALUES (99);',
    );
    future.close();
    expect(() => SqliteEventLog.open({ file })).toThrow(
      expect.objectContaining({ code: 'SCHEMA_VERSION_UNSUPPORTED' }),
    );
  });
});
