import {
  DefinitionError,
  ProjectionCheckpoint,
  ParkedEvent,
  ProjectionDefinition,
  RebuildableStore,
  ReadModelTransaction,
  ShadowReadModel,
} from '@eventline/core';
import { DataSource, EntityManager } from 'typeorm';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import { ProjectionParkedEventEntity } from './projection-parked-event.entity';
import { TypeOrmShadowReadModel } from './typeorm-shadow-read-model';
import { isSqlite, serialized } from './transaction-queue';
import { toCheckpoint, TypeOrmReadModelTransaction } from './typeorm-read-model-transaction';
import { checkpointStatements, selectCheckpoints } from './checkpoint-statements';

export interface TypeOrmReadModelStoreOptions {
  /** Milliseconds since the epoch, for `updated_at`; injectable for tests. */
  readonly clock?: () => number;
}

/**
 * The read-model store on a TypeORM DataSource (SQLite via better-sqlite3 by default, PostgreSQL
 * by its options). Each batch is ONE transaction: handlers get its EntityManager as `ctx.manager`
 * and the checkpoints are written before it commits. The DataSource must be initialized and list
 * ProjectionCheckpointEntity among its entities.
 *
 * @example
 * const dataSource = await new DataSource({ type: 'better-sqlite3', database: 'read.db',
 *   entities: [ProjectionCheckpointEntity, Balance], synchronize: true }).initialize();
 * const runner = new ProjectionRunner({ projection: new Balances(), log, store: new TypeOrmReadModelStore(dataSource) });
 */
export class TypeOrmReadModelStore implements RebuildableStore<EntityManager> {
  private readonly clock: () => number;

  constructor(
    readonly dataSource: DataSource,
    options: TypeOrmReadModelStoreOptions = {},
  ) {
    if (!dataSource.hasMetadata(ProjectionCheckpointEntity)) {
      throw new DefinitionError(
        'The DataSource does not know ProjectionCheckpointEntity: add it to its `entities` (and migrate or synchronize).',
      );
    }
    this.clock = options.clock ?? Date.now;
  }

  transaction<T>(work: (tx: ReadModelTransaction<EntityManager>) => Promise<T>): Promise<T> {
    const run = (): Promise<T> =>
      this.dataSource.transaction((manager) => work(new TypeOrmReadModelTransaction(manager, this.clock)));
    return isSqlite(this.dataSource) ? serialized(this.dataSource, run) : run();
  }

  async checkpoints(projection: string): Promise<ProjectionCheckpoint[]> {
    const sql = checkpointStatements(this.dataSource);
    const read = async (): Promise<ProjectionCheckpoint[]> =>
      sql
        ? selectCheckpoints(this.dataSource.manager, sql, projection)
        : (await this.dataSource.manager.find(ProjectionCheckpointEntity, { where: { projection } })).map(
            toCheckpoint,
          );
    // On SQLite even a plain read must not slip into a transaction running on the shared connection.
    return isSqlite(this.dataSource) ? serialized(this.dataSource, read) : read();
  }

  /** Parked records of a projection, oldest first (none when the DataSource has no parked-events table). */
  async parked(projection: string): Promise<ParkedEvent[]> {
    if (!this.dataSource.hasMetadata(ProjectionParkedEventEntity)) return [];
    const read = (): Promise<ParkedEvent[]> =>
      this.dataSource.manager.find(ProjectionParkedEventEntity, {
        where: { projection },
        order: { topic: 'ASC', partition: 'ASC', offset: 'ASC' },
      });
    return isSqlite(this.dataSource) ? serialized(this.dataSource, read) : read();
  }

  /** Shadow tables for a rebuild, in the same database (see TypeOrmShadowReadModel). */
  async openShadow(projection: ProjectionDefinition): Promise<ShadowReadModel<EntityManager>> {
    return TypeOrmShadowReadModel.open(this, projection, this.clock);
  }
}
