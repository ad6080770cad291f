import type Database from 'better-sqlite3';
import { UnavailableError } from '@eventline/core';

/**
 * One database file holds the whole log: topics, partitions, records, per-key versions, consumer groups.
 * WITHOUT ROWID tables cluster rows by their primary key, so a partition's records are stored
 * in offset order and a read by offset is one index range scan.
 */
const DDL = `
CREATE TABLE IF NOT EXISTS eventline_schema (version INTEGER NOT NULL);

CREATE TABLE IF NOT EXISTS topics (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  partitions  INTEGER NOT NULL,
  config      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  key_index   INTEGER NOT NULL DEFAULT 0  -- TopicSpec.keyIndex: its keyed records go into records_by_key
);

CREATE TABLE IF NOT EXISTS partitions (
  topic_id      INTEGER NOT NULL,
  partition     INTEGER NOT NULL,
  begin_offset  INTEGER NOT NULL DEFAULT 0,
  end_offset    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (topic_id, partition)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS records (
  topic_id     INTEGER NOT NULL,
  partition    INTEGER NOT NULL,
  offset       INTEGER NOT NULL,
  key          TEXT,
  key_version  INTEGER,
  value        BLOB,
  headers      TEXT,
  timestamp    INTEGER NOT NULL,
  key_indexed  INTEGER,  -- 1 for keyed records of topics with keyIndex, else NULL (0 bytes either way)
  PRIMARY KEY (topic_id, partition, offset)
) WITHOUT ROWID;

-- The index an entity's stream needs ("events of key k after version v"), only for topics with
-- keyIndex: it triples the write cost of a record. Queries name it and repeat its WHERE.
CREATE INDEX IF NOT EXISTS records_by_key ON records (topic_id, key, key_version) WHERE key_indexed = 1;

-- Latest version and offset of every key: optimistic concurrency and the compactor's "latest per key".
CREATE TABLE IF NOT EXISTS key_versions (
  topic_id     INTEGER NOT NULL,
  key          TEXT NOT NULL,
  version      INTEGER NOT NULL,
  partition    INTEGER NOT NULL,
  last_offset  INTEGER NOT NULL,
  PRIMARY KEY (topic_id, key)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS consumer_groups (
  group_id    TEXT PRIMARY KEY,
  generation  INTEGER NOT NULL,
  assignor    TEXT NOT NULL,
  topics      TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS group_members (
  group_id            TEXT NOT NULL,
  member_id           TEXT NOT NULL,
  client_id           TEXT,
  session_timeout_ms  INTEGER NOT NULL,
  last_heartbeat      INTEGER NOT NULL,
  joined_at           INTEGER NOT NULL,
  assignment          TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (group_id, member_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS group_offsets (
  group_id      TEXT NOT NULL,
  topic         TEXT NOT NULL,
  partition     INTEGER NOT NULL,
  offset        INTEGER NOT NULL,
  metadata      TEXT,
  committed_at  INTEGER NOT NULL,
  PRIMARY KEY (group_id, topic, partition)
) WITHOUT ROWID;
`;

export const SCHEMA_VERSION = 2;

/**
 * Version 1 indexed every keyed record. Version 2 indexes only topics with keyIndex; the topics of a
 * version-1 file keep their index (keyIndex: true), so nothing they did gets slower.
 */
const FROM_V1 = `
ALTER TABLE records ADD COLUMN key_indexed INTEGER;
UPDATE records SET key_indexed = 1 WHERE key IS NOT NULL;
DROP INDEX records_by_key;
CREATE INDEX records_by_key ON records (topic_id, key, key_version) WHERE key_indexed = 1;
ALTER TABLE topics ADD COLUMN key_index INTEGER NOT NULL DEFAULT 0;
UPDATE topics SET key_index = 1;
`;

export function migrate(db: Database.Database): void {
  db.transaction(() => {
    db.exec(DDL);
    const row = db.prepare('SELECT version FROM eventline_schema').get() as { version: number } | undefined;
    if (!row) db.prepare('INSERT INTO eventline_schema (version) VALUES (?)').run(SCHEMA_VERSION);
    else if (row.version === 1) {
      db.exec(FROM_V1);
      db.prepare('UPDATE eventline_schema SET version = ?').run(SCHEMA_VERSION);
    } else if (row.version !== SCHEMA_VERSION) {
      throw new UnavailableError(
        `This database has Eventline schema version ${row.version}; this Eventline knows ${SCHEMA_VERSION}. Upgrade Eventline to open it.`,
        { schemaVersion: row.version },
        'SCHEMA_VERSION_UNSUPPORTED',
      );
    }
  }).immediate();
}
