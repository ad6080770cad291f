import { ProjectionDefinition, ReadModelDatabase } from '@eventline/core';
import { DataSource, DataSourceOptions, EntityManager } from 'typeorm';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import { ProjectionParkedEventEntity } from './projection-parked-event.entity';
import { TypeOrmReadModelStore } from './typeorm-read-model-store';

/**
 * The read-model database of `EventlineModule.forRoot({ readModels })`: a TypeORM DataSource built
 * from these options, with ProjectionCheckpointEntity, ProjectionParkedEventEntity and every projection's `readModels` added to
 * `entities`. SQLite files get WAL mode unless told otherwise.
 *
 * @example
 * EventlineModule.forRoot({
 *   engine: sqliteEngine({ file: 'data/log.db' }),
 *   readModels: typeOrmReadModels({ type: 'better-sqlite3', database: 'data/read.db', synchronize: true }),
 * })
 */
export function typeOrmReadModels(options: DataSourceOptions): ReadModelDatabase<EntityManager> {
  return new TypeOrmReadModelDatabase(options);
}

export class TypeOrmReadModelDatabase implements ReadModelDatabase<EntityManager> {
  private dataSource: DataSource | undefined;

  constructor(readonly options: DataSourceOptions) {}

  async open(projections: readonly ProjectionDefinition[]): Promise<TypeOrmReadModelStore> {
    const dataSource = new DataSource(withReadModels(this.options, projections));
    this.dataSource = await dataSource.initialize();
    return new TypeOrmReadModelStore(dataSource);
  }

  async close(): Promise<void> {
    if (this.dataSource?.isInitialized) await this.dataSource.destroy();
    this.dataSource = undefined;
  }
}

export function withReadModels(
  options: DataSourceOptions,
  projections: readonly ProjectionDefinition[],
): DataSourceOptions {
  const given = options.entities;
  if (given !== undefined && !Array.isArray(given)) return options; // a glob map: the user lists everything
  const entities = [
    ...new Set([
      ...(given ?? []),
      ProjectionCheckpointEntity,
      ProjectionParkedEventEntity,
      ...projections.flatMap((p) => p.readModels),
    ]),
  ];
  const wal = options.type === 'better-sqlite3' ? { enableWAL: options.enableWAL ?? true } : {};
  return { ...options, ...wal, entities } as DataSourceOptions;
}
