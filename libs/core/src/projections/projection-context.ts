import { EventMetadata } from '../events/event-metadata';
import { RecordHeaders } from '../log/record';
import { ReadModelTransaction } from './read-model-store';

/**
 * What a projection handler gets besides the event: where the record sits, its metadata, and the
 * batch's read-model transaction. `M` is the store's transactional handle (TypeORM: EntityManager).
 */
export interface ProjectionContext<M = unknown> {
  readonly projection: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly timestamp: number;
  readonly headers: RecordHeaders;
  readonly metadata: EventMetadata;
  /** The batch's transaction as supplied by the store; it commits together with the checkpoint. */
  readonly transaction: ReadModelTransaction<M>;
  /** Shortcut for `transaction.manager`: write the read model through this only. */
  readonly manager: M;
}
