import { AssignorName } from '../log/consumer-group';
import { EventLog } from '../log/event-log';
import { EventSerializer } from '../serialization/event-serializer';
import { CommandDispatcher } from './command-dispatcher';
import { PoisonPolicy } from './parked-event';
import { ReadModelStore } from './read-model-store';

export interface ProjectionRunnerOptions<M = unknown> {
  /** An instance of a @Projection class. */
  readonly projection: object;
  readonly log: EventLog;
  readonly store: ReadModelStore<M>;
  /** Decodes records; default: a JSON serializer knowing the projection's @On event classes (no upcasters). */
  readonly serializer?: EventSerializer;
  /** Where `ctx.dispatch` sends commands (process managers); EventlineModule passes its CommandGateway. */
  readonly dispatcher?: CommandDispatcher;
  /** Most records applied in one read-model transaction (default 500). */
  readonly batchSize?: number;
  /**
   * While records keep coming, a batch that did not fill `batchSize` is followed by the next one no
   * sooner than this (default 5 ms), so a steady trickle gathers into fewer read-model transactions
   * instead of one per append. A record after a quiet spell is applied at once, and so is every
   * batch while a caller of this process waits for the projection (`waitFor`); 0 turns it off.
   */
  readonly batchLingerMs?: number;
  /** Long poll when every assigned partition is caught up (default 500 ms). */
  readonly maxWaitMs?: number;
  /** Group session timeout (default 10 000 ms); heartbeats go every third of it unless set. */
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly assignor?: AssignorName;
  readonly clientId?: string;
  /** Consecutive failed batches before the runner gives up with state 'failed' (default 5). */
  readonly maxRetries?: number;
  /** First retry delay, doubled per attempt up to 30 s (default 200 ms). */
  readonly retryDelayMs?: number;
  /** After the retries: stop, or park the record (default 'stop'; @Projection({ poison }) wins). */
  readonly poison?: PoisonPolicy;
  /** Group offsets (for log tooling) are committed at most this often while busy (default 1000 ms), and when idle or stopping. */
  readonly offsetCommitIntervalMs?: number;
  /** Milliseconds since the epoch, for parked records; injectable for tests. */
  readonly clock?: () => number;
}

/** Runner settings an application sets once for all its projections (`forRoot({ projections })`). */
export type ProjectionRunnerSettings = Pick<
  ProjectionRunnerOptions,
  | 'batchSize'
  | 'batchLingerMs'
  | 'maxWaitMs'
  | 'sessionTimeoutMs'
  | 'heartbeatIntervalMs'
  | 'assignor'
  | 'maxRetries'
  | 'retryDelayMs'
  | 'poison'
  | 'offsetCommitIntervalMs'
> & {
  /** Records per shadow transaction during a rebuild (default 2000). */
  readonly rebuildBatchSize?: number;
};
