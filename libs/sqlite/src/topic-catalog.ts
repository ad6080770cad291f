import type Database from 'better-sqlite3';
import {
  TopicAlreadyExistsError,
  TopicConfig,
  TopicDescription,
  TopicSpec,
  UnknownTopicError,
  resolveTopicSpec,
} from '@eventline/core';

export interface StoredTopic extends TopicDescription {
  readonly id: number;
}

/** Topics of the database, cached: a topic never changes once created, so the cache is only filled, never stale. */
export class TopicCatalog {
  private readonly cache = new Map<string, StoredTopic>();
  private readonly byName: Database.Statement<[string]>;

  constructor(private readonly db: Database.Database) {
    this.byName = db.prepare('SELECT id, name, partitions, config, key_index FROM topics WHERE name = ?');
  }

  create(specs: readonly TopicSpec[], now: number): void {
    const resolved = specs.map(resolveTopicSpec);
    const insertTopic = this.db.prepare(
      'INSERT INTO topics (name, partitions, config, created_at, key_index) VALUES (?, ?, ?, ?, ?)',
    );
    const insertPartition = this.db.prepare(
      'INSERT INTO partitions (topic_id, partition, begin_offset, end_offset) VALUES (?, ?, 0, 0)',
    );
    this.db
      .transaction(() => {
        for (const topic of resolved) {
          const existing = this.find(topic.name);
          if (existing) {
            if (!sameTopic(existing, topic)) throw new TopicAlreadyExistsError(topic.name);
            continue;
          }
          const { lastInsertRowid } = insertTopic.run(
            topic.name,
            topic.partitions,
            JSON.stringify(topic.config),
            now,
            topic.keyIndex ? 1 : 0,
          );
          for (let p = 0; p < topic.partitions; p++) insertPartition.run(lastInsertRowid, p);
        }
      })
      .immediate();
  }

  /** The topic, or UnknownTopicError. */
  get(name: string): StoredTopic {
    const topic = this.find(name);
    if (!topic) throw new UnknownTopicError(name);
    return topic;
  }

  find(name: string): StoredTopic | undefined {
    const cached = this.cache.get(name);
    if (cached) return cached;
    const row = this.byName.get(name) as
      { id: number; name: string; partitions: number; config: string; key_index: number } | undefined;
    if (!row) return undefined;
    const topic: StoredTopic = Object.freeze({
      id: row.id,
      name: row.name,
      partitions: row.partitions,
      config: Object.freeze(JSON.parse(row.config) as TopicConfig),
      keyIndex: row.key_index === 1,
    });
    this.cache.set(name, topic);
    return topic;
  }

  list(): StoredTopic[] {
    const names = this.db.prepare('SELECT name FROM topics ORDER BY name').pluck().all() as string[];
    return names.map((n) => this.get(n));
  }
}

function sameTopic(a: TopicDescription, b: TopicDescription): boolean {
  return (
    a.partitions === b.partitions &&
    a.keyIndex === b.keyIndex &&
    JSON.stringify(sortKeys(a.config)) === JSON.stringify(sortKeys(b.config))
  );
}

function sortKeys(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([x], [y]) => x.localeCompare(y)));
}
