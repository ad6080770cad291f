import { performance } from 'node:perf_hooks';
import { EventClass } from '../events/event-class';
import { GroupAssignment } from '../log/consumer-group';
import { GroupMembership } from './group-membership';
import { EventLog } from '../log/event-log';
import { RecordPosition } from '../log/record';
import { EventSerializer } from '../serialization/event-serializer';
import { EventTypeRegistry } from '../serialization/event-type-registry';
import { applyBatchInTransaction, BatchHandlers } from './projection-batch';
import { AssignedPartitions } from './assigned-partitions';
import { mirrorToDeadLetterTopic } from './dead-letter-topic';
import { PoisonPolicy, positionId } from './parked-event';
import { DefinitionError, UnavailableError } from '../errors';
import { ProjectionDefinition, projectionDefinitionOf } from './projection-definition';
import { ProjectionRunnerOptions } from './projection-runner-options';
import { partitionId, ProjectionState, ProjectionStatus } from './projection-status';
import { CheckpointWaiter } from './checkpoint-waiter';
import {
  ProjectionHandlerError,
  ProjectionHistoryGapError,
  ProjectionVersionMismatchError,
} from './projection-errors';
import { ReadModelStore } from './read-model-store';

/**
 * Runs one projection as one member of the consumer group `projection.<name>`: reads its assigned
 * partitions from the store's checkpoints, applies batches in one read-model transaction each,
 * then commits the group offsets (informational: the store's checkpoint is the truth).
 * Start several runners (in one or several processes) to split the partitions.
 *
 * @example
 * const runner = new ProjectionRunner({ projection: new AccountBalances(), log, store });
 * await runner.start();
 * await runner.waitFor(appended.records, 5_000); // read-your-writes
 * await runner.stop();
 */
export class ProjectionRunner<M = unknown> {
  readonly definition: ProjectionDefinition;
  private readonly log: EventLog;
  private readonly store: ReadModelStore<M>;
  private readonly serializer: EventSerializer;
  private readonly waiter: CheckpointWaiter;
  private state: ProjectionState = 'stopped';
  private lastError: Error | null = null;
  private readonly membership: GroupMembership;
  private readonly assigned: AssignedPartitions;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private reloadPositions = false;
  private offsetsDirty = false;
  private lastOffsetCommit = 0;
  /** When the last batch that did not fill batchSize committed (the linger counts from there). */
  private lastPartialBatch = Number.NEGATIVE_INFINITY;
  private lingering = false;
  /** Next offset per partition as this runner's own batches committed it (checkpoints only move forward). */
  private readonly committed = new Map<string, number>();
  private readonly handlers: BatchHandlers;
  private readonly poison: PoisonPolicy;
  private readonly clock: () => number;
  /** Records whose handler failed past the retries, to park on the next attempt. */
  private readonly failing = new Map<string, string>();

  constructor(private readonly options: ProjectionRunnerOptions<M>) {
    this.definition = projectionDefinitionOf(options.projection);
    this.log = options.log;
    this.store = options.store;
    this.serializer =
      options.serializer ?? new EventSerializer(new EventTypeRegistry(uniqueClasses(this.definition)));
    this.waiter = new CheckpointWaiter(this.definition.name, this.store, this.definition.version, {
      applied: (p) => (this.committed.get(partitionId(p)) ?? 0) > p.offset,
      waitBegins: () => {
        if (this.lingering) this.wake?.();
      },
    });
    this.assigned = new AssignedPartitions(this.log, this.store, this.definition.name);
    this.poison = this.definition.poison ?? options.poison ?? 'stop';
    this.clock = options.clock ?? Date.now;
    this.handlers = {
      projection: options.projection,
      definition: this.definition,
      serializer: this.serializer,
      dispatcher: options.dispatcher,
    };
    if (this.poison === 'park' && typeof this.store.parked !== 'function') {
      throw new DefinitionError(
        `Projection "${this.definition.name}" parks poison events, but its read-model store cannot park: use @eventline/typeorm's store, or poison: 'stop'.`,
      );
    }
    const sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000;
    this.membership = new GroupMembership(
      this.log,
      {
        groupId: this.definition.groupId,
        topics: this.definition.topics,
        sessionTimeoutMs,
        ...(options.assignor ? { assignor: options.assignor } : {}),
        ...(options.clientId ? { clientId: options.clientId } : {}),
      },
      options.heartbeatIntervalMs ?? Math.floor(sessionTimeoutMs / 3),
      {
        changed: () => this.wake?.(),
        error: (error) => (this.lastError = error as Error),
      },
    );
  }

  /** Joins the group and starts consuming; resolves once the first assignment is taken. */
  async start(): Promise<void> {
    if (this.state === 'running' || this.state === 'starting') return;
    this.state = 'starting';
    this.lastError = null;
    try {
      await this.adopt(await this.membership.join());
    } catch (error) {
      this.fail(error);
      throw error;
    }
    this.membership.startHeartbeats();
    this.state = 'running';
    this.loop = this.run();
  }

  /** Stops after the batch in flight (which commits or rolls back whole) and leaves the group. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    if (this.state !== 'failed') this.state = 'stopped';
    this.wake?.();
    await this.loop;
    await this.commitOffsets(true).catch(() => undefined);
    await this.membership.leave();
    this.assigned.clear();
    if (this.state !== 'failed') this.state = 'stopped';
  }

  /**
   * Resolves when the projection's committed checkpoints (by any runner of the group) have passed
   * every position, e.g. the records a command appended; throws ProjectionWaitTimeoutError.
   */
  waitFor(positions: readonly RecordPosition[], timeoutMs = 5_000): Promise<void> {
    return this.waiter.waitFor(positions, timeoutMs);
  }

  /** Re-reads the positions of the assigned partitions from the store before the next batch (after a rebuild's switch-over). */
  invalidatePositions(): void {
    this.reloadPositions = true;
    this.wake?.();
  }

  async status(): Promise<ProjectionStatus> {
    const partitions = [...this.assigned.partitions];
    const checkpoints: Record<string, number> = {};
    const endOffsets: Record<string, number> = {};
    let lag = 0;
    for (const topic of new Set(partitions.map((p) => p.topic))) {
      for (const o of await this.log.offsets(topic)) {
        if (this.assigned.position(o) !== undefined) endOffsets[partitionId(o)] = o.endOffset;
      }
    }
    for (const tp of partitions) {
      const id = partitionId(tp);
      checkpoints[id] = this.assigned.position(tp) ?? 0;
      lag += Math.max(0, (endOffsets[id] ?? 0) - checkpoints[id]);
    }
    const error = this.lastError as (Error & { code?: string }) | null;
    return {
      name: this.definition.name,
      state: this.state,
      partitions,
      checkpoints,
      endOffsets,
      lag,
      lastError: error ? { message: error.message, ...(error.code ? { code: error.code } : {}) } : null,
    };
  }

  private async run(): Promise<void> {
    let failures = 0;
    let outages = 0;
    while (this.state === 'running') {
      try {
        const linger = this.lingerLeft();
        if (linger > 0) {
          this.lingering = true;
          await this.sleep(linger).finally(() => (this.lingering = false));
          continue;
        }
        const next = await this.membership.sync();
        if (next) await this.adopt(next);
        if (this.reloadPositions) {
          this.reloadPositions = false;
          await this.assigned.reload();
        }
        const batchSize = this.options.batchSize ?? 500;
        const batch = await this.assigned.fetch(batchSize);
        if (this.assigned.takeSkipped()) this.offsetsDirty = true;
        if (batch.length === 0) {
          await this.commitOffsets(true);
          const maxWaitMs = this.options.maxWaitMs ?? 500;
          await this.assigned.idle(maxWaitMs, this.sleep(maxWaitMs));
        } else {
          const parking =
            this.poison === 'park' ? { failing: this.failing, parked: [], clock: this.clock } : undefined;
          const handlers = { ...this.handlers, ...(parking ? { parking } : {}) };
          const next = await this.store.transaction((tx) => applyBatchInTransaction(tx, handlers, batch));
          this.assigned.advance(next);
          for (const [id, offset] of next)
            this.committed.set(id, Math.max(offset, this.committed.get(id) ?? 0));
          const fetched = batch.reduce((n, part) => n + part.records.length, 0);
          this.lastPartialBatch = fetched < batchSize ? performance.now() : Number.NEGATIVE_INFINITY;
          if (parking && parking.parked.length > 0) {
            parking.parked.forEach((p) => this.failing.delete(positionId(p)));
            await mirrorToDeadLetterTopic(this.log, this.definition.groupId, parking.parked);
          }
          this.waiter.notify();
          this.offsetsDirty = true;
          await this.commitOffsets(false);
          // Drivers that answer synchronously never yield to timers: let heartbeats and others run.
          await new Promise((resolve) => setImmediate(resolve));
        }
        failures = 0;
        outages = 0;
      } catch (error) {
        this.lastError = error as Error;
        if (isOutage(error)) {
          // The log is down (also under a handler: a process manager's command during the outage):
          // it comes back by itself and no record is to blame, so wait (capped backoff, lastError in
          // status) without counting toward maxRetries, and without parking anything.
          outages += 1;
          await this.sleep(
            Math.min(5_000, (this.options.retryDelayMs ?? 200) * 2 ** Math.min(outages - 1, 5)),
          );
          continue;
        }
        failures += 1;
        // A version mismatch or deleted history does not heal by retrying; a failing handler might (a lock, a restart).
        const hopeless =
          error instanceof ProjectionVersionMismatchError || error instanceof ProjectionHistoryGapError;
        if (hopeless) return this.fail(error);
        if (failures > (this.options.maxRetries ?? 5)) {
          // A poison record: park it on the next attempt (the rest of the batch applies), or stop.
          if (this.poison !== 'park' || !(error instanceof ProjectionHandlerError)) return this.fail(error);
          this.failing.set(positionId(error.position), error.message);
          failures = 0;
          continue;
        }
        await this.sleep(Math.min(30_000, (this.options.retryDelayMs ?? 200) * 2 ** (failures - 1)));
      }
    }
  }

  /**
   * How long to wait before the next fetch: records arriving one by one (each append wakes the
   * runner) would otherwise cost one read-model transaction each. After a batch that did not fill
   * batchSize, the next starts `batchLingerMs` later; a full batch (catching up) goes on at once,
   * and so does any batch while a caller of this process waits for the read model (waitFor).
   */
  private lingerLeft(): number {
    if (this.waiter.waiting) return 0;
    const lingerMs = this.options.batchLingerMs ?? 5;
    return this.lastPartialBatch + lingerMs - performance.now();
  }

  /** Takes an assignment; adopted partitions' checkpoints go to the group offsets at the next idle moment. */
  private async adopt(assignment: GroupAssignment): Promise<void> {
    // Even if nothing is left to apply there: the previous owner's commit may have been fenced.
    if (await this.assigned.adopt(assignment)) this.offsetsDirty = true;
  }

  /**
   * Group offsets are informational (the store's checkpoint is the truth), and on the embedded log
   * each commit is an fsync'd write: commit at most every `offsetCommitIntervalMs` while busy, and
   * at once when idle or stopping.
   */
  private async commitOffsets(now: boolean): Promise<void> {
    if (!this.offsetsDirty) return;
    if (!now && this.clock() - this.lastOffsetCommit < (this.options.offsetCommitIntervalMs ?? 1_000)) return;
    this.offsetsDirty = false;
    this.lastOffsetCommit = this.clock();
    await this.membership.commit(this.assigned.offsets());
  }

  /** A sleep that stop() and rebalances cut short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = (): void => done();
      this.wake = wake;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  private fail(error: unknown): void {
    this.lastError = error as Error;
    this.state = 'failed';
    this.membership.stopHeartbeats();
  }
}

/** A backend outage (UnavailableError), also as the cause of a handler's failure. */
function isOutage(error: unknown): boolean {
  const cause = error instanceof ProjectionHandlerError ? error.cause : error;
  return cause instanceof UnavailableError;
}

function uniqueClasses(definition: ProjectionDefinition): EventClass[] {
  return [...new Set([...definition.handlers.values()].map((h) => h.event))];
}
