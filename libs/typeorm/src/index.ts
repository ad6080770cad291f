/** @eventline/typeorm — read-model stores on TypeORM: checkpoints and exactly-once batch transactions. */
export { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
export { TypeOrmReadModelStore } from './typeorm-read-model-store';
export type { TypeOrmReadModelStoreOptions } from './typeorm-read-model-store';
export { TypeOrmReadModelTransaction } from './typeorm-read-model-transaction';
