import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './bigint-as-number';

/**
 * One row per projection and topic-partition: the next offset to apply and the projection version
 * that wrote it. Written in the same transaction as the read model, which is what makes a
 * projection's effect exactly-once. Add it to your DataSource's `entities`.
 */
@Entity('projection_checkpoints')
export class ProjectionCheckpointEntity {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  projection!: string;

  @PrimaryColumn({ type: 'varchar', length: 249 })
  topic!: string;

  @PrimaryColumn({ type: 'integer' })
  partition!: number;

  @Column({ name: 'next_offset', type: 'bigint', transformer: bigintAsNumber })
  nextOffset!: number;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintAsNumber })
  updatedAt!: number;
}
