import { TopicPartition } from '../log/record';
import { ProjectionDefinition } from './projection-definition';
import { ReadModelStore, ReadModelTransaction } from './read-model-store';

/**
 * Fresh, empty copies of a projection's read-model tables (and checkpoints) beside the live ones,
 * filled by a rebuild while the live read model keeps serving. Stores that can rebuild implement
 * `ReadModelStore.openShadow`.
 */
export interface ShadowReadModel<M = unknown> extends ReadModelStore<M> {
  /**
   * ONE transaction on the shadow: `work` applies the last records (its `loadCheckpoints` takes the
   * same locks as live batches, so no live batch runs meanwhile); then the shadow tables replace the
   * live ones, the shadow checkpoints become the projection's checkpoints, and the old tables are
   * dropped — all or nothing.
   */
  switchOver<T>(
    partitions: readonly TopicPartition[],
    work: (tx: ReadModelTransaction<M>) => Promise<T>,
  ): Promise<T>;
  /** Tells other processes the rebuild is alive (its claim goes stale without it). */
  keepAlive(): Promise<void>;
  /** Drops the shadow tables and releases the claim (a rebuild that failed or was stopped). */
  discard(): Promise<void>;
}

/** Optional part of a ReadModelStore: rebuilds into shadow tables. */
export interface RebuildableStore<M = unknown> extends ReadModelStore<M> {
  /**
   * Claims the rebuild of `projection` (across processes) and creates empty shadow tables of its
   * `readModels`. Throws RebuildInProgressError while another live process holds the claim.
   */
  openShadow(projection: ProjectionDefinition): Promise<ShadowReadModel<M>>;
}

export function isRebuildable<M>(store: ReadModelStore<M>): store is RebuildableStore<M> {
  return typeof (store as Partial<RebuildableStore<M>>).openShadow === 'function';
}
