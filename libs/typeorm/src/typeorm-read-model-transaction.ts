import {
  DefinitionError,
  ParkedEvent,
  parkedKeyId,
  ParkingTransaction,
  ProjectionCheckpoint,
  ReadModelTransaction,
  RecordPosition,
  TopicPartition,
} from '@eventline/core';
import { EntityManager } from 'typeorm';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import { ProjectionParkedEventEntity } from './projection-parked-event.entity';
import { isSqlite } from './transaction-queue';
import {
  checkpointRowParameters,
  checkpointStatements,
  CheckpointStatements,
  selectCheckpoints,
} from './checkpoint-statements';

/** One batch's transaction: handlers write through `manager`; checkpoints ride along. */
export class TypeOrmReadModelTransaction implements ReadModelTransaction<EntityManager>, ParkingTransaction {
  private readonly sql: CheckpointStatements | undefined;

  constructor(
    readonly manager: EntityManager,
    private readonly clock: () => number,
  ) {
    this.sql = checkpointStatements(manager.connection);
  }

  async loadCheckpoints(
    projection: string,
    partitions: readonly TopicPartition[],
  ): Promise<ProjectionCheckpoint[]> {
    await this.lock(projection, partitions);
    const rows = this.sql
      ? await selectCheckpoints(this.manager, this.sql, projection)
      : (await this.manager.find(ProjectionCheckpointEntity, { where: { projection } })).map(toCheckpoint);
    const wanted = new Set(partitions.map((p) => `${p.topic}:${p.partition}`));
    return rows.filter((r) => wanted.has(`${r.topic}:${r.partition}`));
  }

  async saveCheckpoints(checkpoints: readonly ProjectionCheckpoint[]): Promise<void> {
    if (checkpoints.length === 0) return;
    const now = this.clock();
    if (this.sql) {
      await this.manager.query(
        this.sql.upsert(checkpoints.length),
        checkpoints.flatMap((c) => checkpointRowParameters(c, now)),
      );
      return;
    }
    await this.manager.upsert(
      ProjectionCheckpointEntity,
      checkpoints.map((c) => ({
        projection: c.projection,
        topic: c.topic,
        partition: c.partition,
        nextOffset: c.nextOffset,
        version: c.version,
        updatedAt: now,
      })),
      ['projection', 'topic', 'partition'],
    );
  }

  async parkedKeys(projection: string): Promise<Set<string>> {
    if (!this.canPark()) return new Set();
    const rows: { topic: string; key: string }[] = await this.manager
      .createQueryBuilder(ProjectionParkedEventEntity, 'p')
      .select('p.topic', 'topic')
      .addSelect('p.key', 'key')
      .distinct(true)
      .where('p.projection = :projection AND p.key IS NOT NULL', { projection })
      .getRawMany();
    return new Set(rows.map((r) => parkedKeyId(r.topic, r.key)));
  }

  async park(events: readonly ParkedEvent[]): Promise<void> {
    this.mustPark();
    await this.manager.upsert(
      ProjectionParkedEventEntity,
      [...events],
      ['projection', 'topic', 'partition', 'offset'],
    );
  }

  async parkedOf(projection: string, topic: string, partition: number): Promise<ParkedEvent[]> {
    this.mustPark();
    return this.manager.find(ProjectionParkedEventEntity, {
      where: { projection, topic, partition },
      order: { offset: 'ASC' },
    });
  }

  async unpark(projection: string, positions: readonly RecordPosition[]): Promise<void> {
    this.mustPark();
    for (const { topic, partition, offset } of positions)
      await this.manager.delete(ProjectionParkedEventEntity, { projection, topic, partition, offset });
  }

  private canPark(): boolean {
    return this.manager.connection.hasMetadata(ProjectionParkedEventEntity);
  }

  private mustPark(): void {
    if (!this.canPark()) {
      throw new DefinitionError(
        'The read-model DataSource does not know ProjectionParkedEventEntity: add it to its `entities` to park poison events.',
      );
    }
  }

  /**
   * Serializes batches on the same partitions across connections and processes BEFORE the
   * checkpoints are read, so a runner that lost a partition in a rebalance cannot apply a batch its
   * successor already applied. SQLite: a write as first statement takes the database's write lock
   * (a deferred transaction that read first could not upgrade later). PostgreSQL: one
   * transaction-scoped advisory lock per partition, taken in a fixed order (no deadlock between
   * members), so members working on different partitions do not wait for each other.
   */
  private async lock(projection: string, partitions: readonly TopicPartition[]): Promise<void> {
    if (isSqlite(this.manager.connection)) {
      if (this.sql) {
        await this.manager.query(this.sql.touch, [projection]);
        return;
      }
      await this.manager
        .createQueryBuilder()
        .update(ProjectionCheckpointEntity)
        .set({ version: () => 'version' })
        .where('projection = :projection', { projection })
        .execute();
    } else if (this.manager.connection.options.type === 'postgres') {
      const names = partitions
        .map((p) => `eventline.projection:${projection}:${p.topic}:${p.partition}`)
        .sort();
      for (const name of names)
        await this.manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [name]);
    }
  }
}

export function toCheckpoint(row: ProjectionCheckpointEntity): ProjectionCheckpoint {
  return {
    projection: row.projection,
    topic: row.topic,
    partition: row.partition,
    nextOffset: row.nextOffset,
    version: row.version,
  };
}
