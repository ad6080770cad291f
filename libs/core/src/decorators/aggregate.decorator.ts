import 'reflect-metadata';
import { AGGREGATE_METADATA } from './constants';

export interface AggregateOptions {
  /** Write a snapshot every this many events (overrides the module default; 0 = never). */
  readonly snapshotEvery?: number;
  /**
   * Version of the snapshot shape. Bump it when the aggregate's fields change: older snapshots are
   * then ignored and state is rebuilt from events (the source of truth) until the next snapshot.
   */
  readonly snapshotVersion?: number;
  /** Partitions of `<name>.events` and `<name>.state` when they are created (overrides the module default). */
  readonly partitions?: number;
}

export interface AggregateMetadata extends AggregateOptions {
  readonly name: string;
}

/**
 * Marks an AggregateRoot subclass as the aggregate `name`: its events live in `<name>.events`,
 * its snapshots in `<name>.state`, both keyed by aggregate id.
 *
 * @example
 * @Aggregate('account', { snapshotEvery: 100 })
 * export class Account extends AggregateRoot { ... }
 */
export function Aggregate(name: string, options: AggregateOptions = {}): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(AGGREGATE_METADATA, { ...options, name } satisfies AggregateMetadata, target);
  };
}
