import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './bigint-as-number';

/**
 * Records a projection parked (poison events, and the later events of their keys waiting behind
 * them). Written in the batch's transaction, with the checkpoint that moves past them.
 * `typeOrmReadModels()` registers it; add it to `entities` when you build the DataSource yourself.
 */
@Entity('projection_parked_events')
@Index('idx_parked_by_key', ['projection', 'topic', 'key'])
export class ProjectionParkedEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  projection!: string;

  @PrimaryColumn({ type: 'varchar', length: 249 })
  topic!: string;

  @PrimaryColumn({ type: 'integer' })
  partition!: number;

  @PrimaryColumn({ type: 'bigint', transformer: bigintAsNumber })
  offset!: number;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  key!: string | null;

  @Column({ type: 'varchar', length: 200 })
  type!: string;

  /** 'failed' (its handler kept failing) or 'waiting' (behind a parked event of its key). */
  @Column({ type: 'varchar', length: 16 })
  reason!: 'failed' | 'waiting';

  @Column({ type: 'text' })
  error!: string;

  @Column({ name: 'parked_at', type: 'bigint', transformer: bigintAsNumber })
  parkedAt!: number;
}
