import { ProjectionCheckpoint, ReadModelTransaction, TopicPartition } from '@eventline/core';
import { EntityManager } from 'typeorm';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import { isSqlite } from './transaction-queue';

/** One batch's transaction: handlers write through `manager`; checkpoints ride along. */
export class TypeOrmReadModelTransaction implements ReadModelTransaction<EntityManager> {
  constructor(
    readonly manager: EntityManager,
    private readonly clock: () => number,
  ) {}

  async loadCheckpoints(
    projection: string,
    partitions: readonly TopicPartition[],
  ): Promise<ProjectionCheckpoint[]> {
    await this.lock(projection, partitions);
    const rows = await this.manager.find(ProjectionCheckpointEntity, { where: { projection } });
    const wanted = new Set(partitions.map((p) => `${p.topic}:${p.partition}`));
    return rows.filter((r) => wanted.has(`${r.topic}:${r.partition}`)).map(toCheckpoint);
  }

  async saveCheckpoints(checkpoints: readonly ProjectionCheckpoint[]): Promise<void> {
    if (checkpoints.length === 0) return;
    const now = this.clock();
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
