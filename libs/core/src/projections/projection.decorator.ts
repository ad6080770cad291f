import 'reflect-metadata';
import { PROJECTION_METADATA } from './projection.constants';
import type { PoisonPolicy } from './parked-event';

export interface ProjectionOptions {
  /** Topics the projection reads; its consumer group subscribes to all of them. */
  readonly topics: readonly string[];
  /** Version of the read model's shape (default 1). Checkpoints remember it; a change needs a rebuild. */
  readonly version?: number;
  /**
   * The read-model classes (TypeORM entities) this projection alone writes. The read-model database
   * registers them, and a rebuild replaces exactly these tables.
   */
  readonly readModels?: readonly ReadModelClass[];
  /**
   * A record whose handler still fails after the retries: 'stop' the projection (status failed,
   * the default unless `forRoot({ projections: { poison } })` says otherwise) or 'park' it, with
   * later records of its key parked behind it, while other keys go on.
   */
  readonly poison?: PoisonPolicy;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- entities are plain classes of any constructor shape
export type ReadModelClass = Function;

export interface ProjectionMetadata {
  readonly name: string;
  readonly topics: readonly string[];
  readonly version: number;
  readonly readModels: readonly ReadModelClass[];
  readonly poison?: PoisonPolicy;
}

/**
 * Marks a class as a projection named `name` (stable: it names the consumer group
 * `projection.<name>` and the checkpoints). Metadata only; a ProjectionRunner drives it.
 *
 * @example
 * @Projection('account-balances', { topics: ['account.events'], version: 1 })
 * export class AccountBalances { @On(Deposited) async deposited(e: Deposited, ctx: ProjectionContext<EntityManager>) {} }
 */
export function Projection(name: string, options: ProjectionOptions): ClassDecorator {
  const metadata: ProjectionMetadata = Object.freeze({
    name,
    topics: Object.freeze([...options.topics]),
    version: options.version ?? 1,
    readModels: Object.freeze([...(options.readModels ?? [])]),
    ...(options.poison ? { poison: options.poison } : {}),
  });
  return (target) => {
    Reflect.defineMetadata(PROJECTION_METADATA, metadata, target);
  };
}
