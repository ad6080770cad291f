/** @eventline/typeorm — read-model stores on TypeORM: checkpoints, exactly-once batch transactions, NestJS wiring. */
export { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
export { ProjectionParkedEventEntity } from './projection-parked-event.entity';
export { TypeOrmReadModelStore } from './typeorm-read-model-store';
export type { TypeOrmReadModelStoreOptions } from './typeorm-read-model-store';
export { TypeOrmReadModelTransaction } from './typeorm-read-model-transaction';
export { typeOrmReadModels, TypeOrmReadModelDatabase } from './typeorm-read-models';
export {
  TypeOrmReadModelsModule,
  InjectReadModelRepository,
  InjectReadModelDataSource,
  getReadModelRepositoryToken,
  READ_MODEL_DATA_SOURCE,
} from './read-model-repositories';
