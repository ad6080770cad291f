import { ProjectionDefinition } from './projection-definition';
import { ReadModelStore } from './read-model-store';

/**
 * Where the read models of an application live, as given to `EventlineModule.forRoot({ readModels })`:
 * `typeOrmReadModels({ ...DataSourceOptions })` from `@eventline/typeorm`. The module opens it once
 * at start-up with the registered projections (so it can add their read-model classes) and closes
 * it on shutdown. Core never sees the adapter's types.
 */
export interface ReadModelDatabase<M = unknown> {
  open(projections: readonly ProjectionDefinition[]): Promise<ReadModelStore<M>>;
  close(): Promise<void>;
}
