import { ProjectionCheckpoint } from '@eventline/core';
import { DataSource, EntityManager } from 'typeorm';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import { isSqlite } from './transaction-queue';

/**
 * The checkpoint table's SQL, written once per DataSource from its entity metadata (table prefix,
 * naming strategy, schema). A projection runs these in every batch; TypeORM's query builders spent
 * more CPU building them than SQLite spent running them. SQLite and PostgreSQL only (`ON CONFLICT`);
 * other databases keep TypeORM's generic calls (`checkpointStatements` returns undefined).
 */
export interface CheckpointStatements {
  /** A write as first statement: SQLite's database write lock for the rest of the transaction. */
  readonly touch: string;
  readonly select: string;
  /** An upsert of `rows` checkpoints; parameters in checkpointRowParameters order. */
  upsert(rows: number): string;
}

const cache = new WeakMap<DataSource, CheckpointStatements | null>();

export function checkpointStatements(dataSource: DataSource): CheckpointStatements | undefined {
  let statements = cache.get(dataSource);
  if (statements === undefined) {
    statements = build(dataSource);
    cache.set(dataSource, statements);
  }
  return statements ?? undefined;
}

/** One checkpoint's upsert parameters, in the column order of CheckpointStatements.upsert. */
export function checkpointRowParameters(c: ProjectionCheckpoint, updatedAt: number): unknown[] {
  return [c.projection, c.topic, c.partition, c.nextOffset, c.version, updatedAt];
}

/** Runs a SELECT of CheckpointStatements and maps its rows (PostgreSQL returns bigint as a string). */
export async function selectCheckpoints(
  manager: EntityManager,
  statements: CheckpointStatements,
  projection: string,
): Promise<ProjectionCheckpoint[]> {
  const rows = (await manager.query(statements.select, [projection])) as Array<{
    topic: string;
    partition: number | string;
    next_offset: number | string;
    version: number | string;
  }>;
  return rows.map((r) => ({
    projection,
    topic: r.topic,
    partition: Number(r.partition),
    nextOffset: Number(r.next_offset),
    version: Number(r.version),
  }));
}

function build(dataSource: DataSource): CheckpointStatements | null {
  const postgres = dataSource.options.type === 'postgres';
  if (!postgres && !isSqlite(dataSource)) return null;
  const metadata = dataSource.getMetadata(ProjectionCheckpointEntity);
  const escape = (name: string): string => dataSource.driver.escape(name);
  const table = metadata.tablePath
    .split('.')
    .map((part) => (part === '' ? part : escape(part)))
    .join('.');
  const column = (property: keyof ProjectionCheckpointEntity): string =>
    escape(metadata.findColumnWithPropertyName(property)!.databaseName);
  const [projection, topic, partition, nextOffset, version, updatedAt] = (
    ['projection', 'topic', 'partition', 'nextOffset', 'version', 'updatedAt'] as const
  ).map(column);
  const placeholder = postgres ? (i: number) => `$${i + 1}` : () => '?';
  const columns = [projection, topic, partition, nextOffset, version, updatedAt];
  const upserts = new Map<number, string>();
  return {
    touch: `UPDATE ${table} SET ${version} = ${version} WHERE ${projection} = ${placeholder(0)}`,
    select:
      `SELECT ${topic} AS topic, ${partition} AS partition, ${nextOffset} AS next_offset, ${version} AS version` +
      ` FROM ${table} WHERE ${projection} = ${placeholder(0)}`,
    upsert: (rows) => {
      const known = upserts.get(rows);
      if (known) return known;
      const values = Array.from(
        { length: rows },
        (_, row) => `(${columns.map((_c, i) => placeholder(row * columns.length + i)).join(', ')})`,
      );
      const sql =
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}` +
        ` ON CONFLICT (${projection}, ${topic}, ${partition}) DO UPDATE SET` +
        ` ${nextOffset} = excluded.${nextOffset}, ${version} = excluded.${version}, ${updatedAt} = excluded.${updatedAt}`;
      upserts.set(rows, sql);
      return sql;
    },
  };
}
