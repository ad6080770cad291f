import { RecordPosition } from '../log/record';
import { EventSerializer } from '../serialization/event-serializer';
import { EventTypeRegistry } from '../serialization/event-type-registry';
import { ProjectionDefinition } from './projection-definition';
import { RebuildInProgressError, RebuildNotSupportedError } from './projection-errors';
import { ProjectionRebuild } from './projection-rebuild';
import { ProjectionRunner } from './projection-runner';
import { ProjectionRunnerOptions } from './projection-runner-options';
import { ProjectionStatus } from './projection-status';
import { isRebuildable } from './shadow-read-model';
import { ParkedRef, ParkingLot } from './parking-lot';
import { ParkedEvent } from './parked-event';

export interface ProjectionHostOptions<M = unknown> extends ProjectionRunnerOptions<M> {
  /** Records per shadow transaction during a rebuild (default 2000). */
  readonly rebuildBatchSize?: number;
  /** How often a process waiting for another process's rebuild looks again (default 1000 ms). */
  readonly rebuildPollMs?: number;
}

/**
 * One projection in this process: its runner, and its rebuilds. On start, checkpoints written by
 * another `version` trigger a rebuild first (the runner starts after the switch-over); a process
 * that finds another one rebuilding waits for it.
 */
export class ProjectionHost<M = unknown> {
  readonly runner: ProjectionRunner<M>;
  readonly definition: ProjectionDefinition;
  private rebuildJob: ProjectionRebuild<M> | undefined;
  private rebuilding: Promise<void> | undefined;
  private waiting = false;
  private rebuildError: Error | undefined;
  private stopping = false;

  private readonly parking: ParkingLot<M>;

  constructor(private readonly options: ProjectionHostOptions<M>) {
    this.runner = new ProjectionRunner(options);
    this.definition = this.runner.definition;
    const handlers = {
      projection: options.projection,
      definition: this.definition,
      serializer: this.serializer(),
      dispatcher: options.dispatcher,
    };
    this.parking = new ParkingLot(handlers, options.store, options.log);
  }

  /** Parked records, oldest first per partition. */
  parked(): Promise<ParkedEvent[]> {
    return this.parking.list();
  }

  /** Re-applies the parked records of `ref`'s key in order; throws ProjectionHandlerError if one fails again. */
  retryParked(ref: ParkedRef): Promise<number> {
    return this.parking.retry(ref);
  }

  /** Drops one parked record, then retries those of its key that waited behind it. */
  skipParked(ref: ParkedRef): Promise<number> {
    return this.parking.skip(ref);
  }

  /** Starts the runner, after a rebuild if the stored checkpoints belong to another version. */
  async start(): Promise<void> {
    this.stopping = false;
    if (!(await this.versionChanged())) return this.runner.start();
    if (!this.rebuilding) void this.rebuildThenStart();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.rebuildJob?.stop();
    await this.rebuilding?.catch(() => undefined);
    await this.runner.stop();
  }

  /**
   * Replays the projection into shadow tables while the live read model keeps serving, then
   * switches over atomically. Resolves after the switch; `status().rebuild` shows progress.
   */
  rebuild(): Promise<void> {
    if (this.rebuilding) return this.rebuilding;
    const store = this.options.store;
    if (!isRebuildable(store)) {
      return Promise.reject(
        new RebuildNotSupportedError(this.definition.name, 'its read-model store has no shadow tables.'),
      );
    }
    if (this.definition.readModels.length === 0) {
      return Promise.reject(
        new RebuildNotSupportedError(
          this.definition.name,
          'list the entities it writes in @Projection({ readModels }).',
        ),
      );
    }
    const job = new ProjectionRebuild<M>({
      projection: this.options.projection,
      log: this.options.log,
      store,
      serializer: this.serializer(),
      dispatcher: this.options.dispatcher,
      batchSize: this.options.rebuildBatchSize,
    });
    this.rebuildJob = job;
    this.rebuildError = undefined;
    const run = job.run().then(
      () => {
        this.runner.invalidatePositions();
        if (this.rebuilding === run) this.rebuilding = undefined;
      },
      (error: Error) => {
        if (this.rebuilding === run) this.rebuilding = undefined;
        this.rebuildError = error;
        throw error;
      },
    );
    this.rebuilding = run;
    return run;
  }

  waitFor(positions: readonly RecordPosition[], timeoutMs: number): Promise<void> {
    return this.runner.waitFor(positions, timeoutMs);
  }

  async status(): Promise<ProjectionStatus> {
    const status = await this.runner.status();
    const progress = this.rebuildJob?.progress();
    const parked = this.options.store.parked ? (await this.parking.list()).length : 0;
    const active = this.rebuilding !== undefined || this.waiting;
    const error = this.rebuildError as (Error & { code?: string }) | undefined;
    const failed =
      error && !active ? { message: error.message, ...(error.code ? { code: error.code } : {}) } : null;
    return {
      ...status,
      ...(active ? { state: 'rebuilding' as const } : {}),
      ...(failed
        ? { lastError: failed, ...(status.state === 'running' ? {} : { state: 'failed' as const }) }
        : {}),
      ...(progress ? { rebuild: progress } : {}),
      parked,
    };
  }

  private async rebuildThenStart(): Promise<void> {
    this.waiting = true;
    try {
      while (!this.stopping && (await this.versionChanged())) {
        try {
          this.waiting = false;
          await this.rebuild();
        } catch (error) {
          if (!(error instanceof RebuildInProgressError)) return;
          this.waiting = true; // another process rebuilds: its switch-over brings our version
          await new Promise((resolve) => setTimeout(resolve, this.options.rebuildPollMs ?? 1_000).unref());
        }
      }
    } finally {
      this.waiting = false;
    }
    if (!this.stopping) await this.runner.start();
  }

  private async versionChanged(): Promise<boolean> {
    const checkpoints = await this.options.store.checkpoints(this.definition.name);
    return checkpoints.some((c) => c.version !== this.definition.version);
  }

  private serializer(): EventSerializer {
    return (
      this.options.serializer ??
      new EventSerializer(
        new EventTypeRegistry([...new Set([...this.definition.handlers.values()].map((h) => h.event))]),
      )
    );
  }
}
