import { RecordPosition, TopicPartition } from '../log/record';
import { ParkedEvent } from './parked-event';

/** How far a projection has applied one topic-partition: `nextOffset` is the next record to apply. */
export interface ProjectionCheckpoint extends TopicPartition {
  readonly projection: string;
  readonly nextOffset: number;
  /** The projection version that wrote the checkpoint. */
  readonly version: number;
}

/** One batch's transaction in the read-model database. `M` is the handle handlers write through. */
export interface ReadModelTransaction<M = unknown> {
  readonly manager: M;
  /**
   * Checkpoints of `projection` for `partitions`, read inside the transaction after taking the
   * store's write lock, so two runners racing on a partition see each other's commits.
   */
  loadCheckpoints(projection: string, partitions: readonly TopicPartition[]): Promise<ProjectionCheckpoint[]>;
  /** Upserts checkpoints; they commit (or roll back) with the handlers' writes. */
  saveCheckpoints(checkpoints: readonly ProjectionCheckpoint[]): Promise<void>;
}

/**
 * The read-model port: where projections write and keep their checkpoints, atomically.
 * Adapters (`@eventline/typeorm`) implement it; core never sees their types.
 *
 * @example
 * await store.transaction(async (tx) => {
 *   const [cp] = await tx.loadCheckpoints('balances', [{ topic: 'account.events', partition: 0 }]);
 *   // apply records from cp.nextOffset on through tx.manager, then:
 *   await tx.saveCheckpoints([{ ...cp, nextOffset: 42 }]);
 * });
 */
export interface ReadModelStore<M = unknown> {
  /** Runs `work` in one transaction: commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (tx: ReadModelTransaction<M>) => Promise<T>): Promise<T>;
  /** Committed checkpoints of a projection (all partitions), outside any batch. */
  checkpoints(projection: string): Promise<ProjectionCheckpoint[]>;
  /** Parked records of a projection in offset order (stores that can park, see ParkingTransaction). */
  parked?(projection: string): Promise<ParkedEvent[]>;
}

/**
 * The optional parking part of a read-model transaction: parked records are written in the batch's
 * transaction, so they commit with the checkpoint that moves past them.
 */
export interface ParkingTransaction {
  /** Keys of `projection` with parked records, as parkedKeyId(topic, key). */
  parkedKeys(projection: string): Promise<Set<string>>;
  /** Upserts by position. */
  park(events: readonly ParkedEvent[]): Promise<void>;
  /** Parked records of one partition, in offset order. */
  parkedOf(projection: string, topic: string, partition: number): Promise<ParkedEvent[]>;
  unpark(projection: string, positions: readonly RecordPosition[]): Promise<void>;
}

export function canPark<M>(tx: ReadModelTransaction<M>): tx is ReadModelTransaction<M> & ParkingTransaction {
  return typeof (tx as Partial<ParkingTransaction>).park === 'function';
}
