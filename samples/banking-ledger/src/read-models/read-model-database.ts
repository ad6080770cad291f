import { join, parse } from 'path';
import { ReadModelDatabase } from '@eventline/core';
import { typeOrmReadModels } from '@eventline/typeorm';
import { BankConfig } from '../config';

/**
 * Where the projections write: a SQLite file beside the log (its own file, so the log and the read
 * models never wait for each other's write lock), or PostgreSQL next to Kafka.
 */
export function readModelDatabaseFor(config: BankConfig): ReadModelDatabase {
  if (config.engine === 'kafka') {
    return typeOrmReadModels({ type: 'postgres', url: config.databaseUrl, synchronize: true });
  }
  const { dir, name } = parse(config.sqliteFile);
  return typeOrmReadModels({
    type: 'better-sqlite3',
    database: join(dir, `${name}.read-models.db`),
    synchronize: true,
  });
}
