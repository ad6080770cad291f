import {
  ProjectionCheckpoint,
  ProjectionDefinition,
  ReadModelTransaction,
  RebuildNotSupportedError,
  ShadowReadModel,
  TopicPartition,
} from '@eventline/core';
import { DataSource, EntityManager, EntityMetadata } from 'typeorm';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import { ProjectionParkedEventEntity } from './projection-parked-event.entity';
import { refreshClaim, releaseClaim, takeClaim } from './rebuild-claim';
import { isSqlite, serialized } from './transaction-queue';
import { TypeOrmReadModelStore } from './typeorm-read-model-store';

/**
 * A projection's shadow tables: a second DataSource on the same database whose `entityPrefix`
 * names fresh copies of the projection's read models and of the checkpoint table. The prefix
 * carries a generation, so index names never collide with the tables of an earlier rebuild.
 */
export class TypeOrmShadowReadModel implements ShadowReadModel<EntityManager> {
  private constructor(
    private readonly live: TypeOrmReadModelStore,
    private readonly shadow: TypeOrmReadModelStore,
    private readonly definition: ProjectionDefinition,
    private readonly clock: () => number,
  ) {}

  static async open(
    live: TypeOrmReadModelStore,
    definition: ProjectionDefinition,
    clock: () => number,
  ): Promise<TypeOrmShadowReadModel> {
    const options = live.dataSource.options;
    const database = (options as { database?: unknown }).database;
    if (definition.readModels.length === 0) {
      throw new RebuildNotSupportedError(
        definition.name,
        'list the entities it writes in @Projection({ readModels }).',
      );
    }
    if (isSqlite(live.dataSource) && (database === ':memory:' || database === '')) {
      throw new RebuildNotSupportedError(
        definition.name,
        'an in-memory SQLite read model has no room for shadow tables.',
      );
    }
    const generation = `${clock().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
    const prefix = `${options.entityPrefix ?? ''}rb${generation}_`;
    const previous = await live.transaction((tx) =>
      takeClaim(tx.manager, definition.name, prefix, definition.version, clock()),
    );
    const dataSource = new DataSource({
      ...options,
      entityPrefix: prefix,
      entities: [ProjectionCheckpointEntity, ...definition.readModels],
      synchronize: false,
      migrationsRun: false,
      migrations: [],
      subscribers: [],
    } as typeof options);
    try {
      await dataSource.initialize();
      const shadow = new TypeOrmShadowReadModel(
        live,
        new TypeOrmReadModelStore(dataSource, { clock }),
        definition,
        clock,
      );
      await shadow.exclusive(async () => {
        if (previous)
          await dropPrefixed(dataSource, previous, [ProjectionCheckpointEntity, ...definition.readModels]);
        await dataSource.synchronize(false);
      });
      return shadow;
    } catch (error) {
      if (dataSource.isInitialized) await dataSource.destroy();
      await live.transaction((tx) => releaseClaim(tx.manager, definition.name));
      throw error;
    }
  }

  transaction<T>(work: (tx: ReadModelTransaction<EntityManager>) => Promise<T>): Promise<T> {
    return this.shadow.transaction(work);
  }

  checkpoints(projection: string): Promise<ProjectionCheckpoint[]> {
    return this.shadow.checkpoints(projection);
  }

  async switchOver<T>(
    partitions: readonly TopicPartition[],
    work: (tx: ReadModelTransaction<EntityManager>) => Promise<T>,
  ): Promise<T> {
    const result = await this.shadow.transaction(async (tx) => {
      await tx.loadCheckpoints(this.definition.name, partitions); // the live batches' locks, held to the commit
      const value = await work(tx);
      await this.replaceLive(tx.manager);
      return value;
    });
    await this.shadow.dataSource.destroy();
    return result;
  }

  async keepAlive(): Promise<void> {
    await this.live.transaction((tx) => refreshClaim(tx.manager, this.definition.name, this.clock()));
  }

  async discard(): Promise<void> {
    const dataSource = this.shadow.dataSource;
    if (dataSource.isInitialized) {
      await this.exclusive(() => dropTables(dataSource.manager, dataSource.entityMetadatas));
      await dataSource.destroy();
    }
    await this.live.transaction((tx) => releaseClaim(tx.manager, this.definition.name));
  }

  /** Shadow tables take the live names, shadow checkpoints become the projection's; old tables go. */
  private async replaceLive(manager: EntityManager): Promise<void> {
    const shadowDs = this.shadow.dataSource;
    const liveDs = this.live.dataSource;
    const q = (name: string): string => shadowDs.driver.escape(name);
    for (const entity of this.definition.readModels) {
      const from = shadowDs.getMetadata(entity);
      const to = liveDs.getMetadata(entity);
      await manager.query(`DROP TABLE IF EXISTS ${path(shadowDs, to)}`);
      await manager.query(`ALTER TABLE ${path(shadowDs, from)} RENAME TO ${q(to.tableName)}`);
    }
    const live = path(shadowDs, liveDs.getMetadata(ProjectionCheckpointEntity));
    const shadow = path(shadowDs, shadowDs.getMetadata(ProjectionCheckpointEntity));
    const cols = ['projection', 'topic', 'partition', 'next_offset', 'version', 'updated_at']
      .map(q)
      .join(', ');
    const [p1, p2] = isSqlite(shadowDs) ? ['?', '?'] : ['$1', '$2'];
    await manager.query(`DELETE FROM ${live} WHERE ${q('projection')} IN (${p1}, ${p2})`, [
      this.definition.name,
      `${this.definition.name}#rebuild`,
    ]);
    await manager.query(
      `INSERT INTO ${live} (${cols}) SELECT ${cols} FROM ${shadow} WHERE ${q('projection')} = ${p1}`,
      [this.definition.name],
    );
    await manager.query(`DROP TABLE ${shadow}`);
    // The replay applied (or failed on) every record: what the old model had parked is moot.
    if (liveDs.hasMetadata(ProjectionParkedEventEntity)) {
      const parked = path(shadowDs, liveDs.getMetadata(ProjectionParkedEventEntity));
      await manager.query(`DELETE FROM ${parked} WHERE ${q('projection')} = ${p1}`, [this.definition.name]);
    }
  }

  /** DDL on SQLite runs in the file's queue like every transaction of this process (see transaction-queue). */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const dataSource = this.shadow.dataSource;
    return isSqlite(dataSource) ? serialized(dataSource, work) : work();
  }
}

function path(dataSource: DataSource, metadata: EntityMetadata): string {
  const q = (name: string): string => dataSource.driver.escape(name);
  return metadata.schema ? `${q(metadata.schema)}.${q(metadata.tableName)}` : q(metadata.tableName);
}

async function dropTables(manager: EntityManager, metadatas: readonly EntityMetadata[]): Promise<void> {
  for (const metadata of metadatas)
    await manager.query(`DROP TABLE IF EXISTS ${path(manager.connection, metadata)}`);
}

/** Drops a crashed rebuild's tables: same entities under its prefix. */
async function dropPrefixed(
  dataSource: DataSource,
  prefix: string,
  entities: readonly (typeof ProjectionCheckpointEntity | ProjectionDefinition['readModels'][number])[],
): Promise<void> {
  const current = dataSource.options.entityPrefix ?? '';
  for (const entity of entities) {
    const metadata = dataSource.getMetadata(entity);
    const name = prefix + metadata.tableName.slice(current.length);
    const schema = metadata.schema ? `${dataSource.driver.escape(metadata.schema)}.` : '';
    await dataSource.query(`DROP TABLE IF EXISTS ${schema}${dataSource.driver.escape(name)}`);
  }
}
