import { ConflictError } from '../errors';
import { EventClass } from '../events/event-class';
import { GroupAssignment } from '../log/consumer-group';
import { EventLog } from '../log/event-log';
import { RecordPosition } from '../log/record';
import { EventSerializer } from '../serialization/event-serializer';
import { EventTypeRegistry } from '../serialization/event-type-registry';
import { applyProjectionBatch, PartitionRecords } from './projection-batch';
import { ProjectionDefinition, projectionDefinitionOf } from './projection-definition';
import { ProjectionRunnerOptions } from './projection-runner-options';
import { partitionId, ProjectionState, ProjectionStatus } from './projection-status';
import { CheckpointWaiter } from './checkpoint-waiter';
import { ProjectionVersionMismatchError } from './projection-errors';
import { ReadModelStore } from './read-model-store';

const FENCED = new Set(['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

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
  private memberId: string | undefined;
  private assignment: GroupAssignment | undefined;
  /** Next offset to read per assigned partition. */
  private readonly positions = new Map<string, number>();
  private pending: GroupAssignment | undefined;
  private rejoin = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private rotation = 0;

  constructor(private readonly options: ProjectionRunnerOptions<M>) {
    this.definition = projectionDefinitionOf(options.projection);
    this.log = options.log;
    this.store = options.store;
    this.serializer =
      options.serializer ?? new EventSerializer(new EventTypeRegistry(uniqueClasses(this.definition)));
    this.waiter = new CheckpointWaiter(this.definition.name, this.store);
  }

  /** Joins the group and starts consuming; resolves once the first assignment is taken. */
  async start(): Promise<void> {
    if (this.state === 'running' || this.state === 'starting') return;
    this.state = 'starting';
    this.lastError = null;
    try {
      await this.adopt(await this.join());
    } catch (error) {
      this.fail(error);
      throw error;
    }
    const interval = this.options.heartbeatIntervalMs ?? Math.floor(this.sessionTimeoutMs() / 3);
    this.heartbeat = setInterval(() => void this.beat(), interval);
    this.heartbeat.unref();
    this.state = 'running';
    this.loop = this.run();
  }

  /** Stops after the batch in flight (which commits or rolls back whole) and leaves the group. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    if (this.state !== 'failed') this.state = 'stopped';
    else if (!this.memberId) return;
    clearInterval(this.heartbeat);
    this.wake?.();
    await this.loop;
    if (this.memberId) {
      await this.log.leaveGroup(this.definition.groupId, this.memberId).catch(() => undefined);
      this.memberId = undefined;
    }
    this.assignment = undefined;
    this.positions.clear();
    if (this.state !== 'failed') this.state = 'stopped';
  }

  /**
   * Resolves when the projection's committed checkpoints (by any runner of the group) have passed
   * every position, e.g. the records a command appended; throws ProjectionWaitTimeoutError.
   */
  waitFor(positions: readonly RecordPosition[], timeoutMs = 5_000): Promise<void> {
    return this.waiter.waitFor(positions, timeoutMs);
  }

  async status(): Promise<ProjectionStatus> {
    const partitions = [...(this.assignment?.partitions ?? [])];
    const checkpoints: Record<string, number> = {};
    const endOffsets: Record<string, number> = {};
    let lag = 0;
    for (const topic of new Set(partitions.map((p) => p.topic))) {
      for (const o of await this.log.offsets(topic)) {
        if (this.positions.has(partitionId(o))) endOffsets[partitionId(o)] = o.endOffset;
      }
    }
    for (const tp of partitions) {
      const id = partitionId(tp);
      checkpoints[id] = this.positions.get(id) ?? 0;
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
    while (this.state === 'running') {
      try {
        await this.syncGroup();
        const batch = await this.fetch();
        if (batch.length === 0) {
          await this.idle();
        } else {
          const next = await applyProjectionBatch(
            this.options.projection,
            this.definition,
            this.serializer,
            this.store,
            batch,
          );
          for (const [id, offset] of next) if (this.positions.has(id)) this.positions.set(id, offset);
          this.waiter.notify();
          await this.commitOffsets();
          // Drivers that answer synchronously never yield to timers: let heartbeats and others run.
          await new Promise((resolve) => setImmediate(resolve));
        }
        failures = 0;
      } catch (error) {
        this.lastError = error as Error;
        failures += 1;
        // A version mismatch does not heal by retrying; a failing handler might (a lock, a restart).
        const hopeless = error instanceof ProjectionVersionMismatchError;
        if (hopeless || failures > (this.options.maxRetries ?? 5)) return this.fail(error);
        await this.sleep((this.options.retryDelayMs ?? 200) * 2 ** (failures - 1));
      }
    }
  }

  private join(): Promise<GroupAssignment> {
    return this.log.joinGroup({
      groupId: this.definition.groupId,
      ...(this.memberId ? { memberId: this.memberId } : {}),
      topics: this.definition.topics,
      sessionTimeoutMs: this.sessionTimeoutMs(),
      ...(this.options.assignor ? { assignor: this.options.assignor } : {}),
      ...(this.options.clientId ? { clientId: this.options.clientId } : {}),
    });
  }

  /** Takes an assignment: keeps positions of kept partitions, reads checkpoints for new ones. */
  private async adopt(assignment: GroupAssignment): Promise<void> {
    this.memberId = assignment.memberId;
    const ids = new Set(assignment.partitions.map(partitionId));
    for (const id of [...this.positions.keys()]) if (!ids.has(id)) this.positions.delete(id);
    const fresh = assignment.partitions.filter((tp) => !this.positions.has(partitionId(tp)));
    if (fresh.length > 0) {
      const stored = new Map(
        (await this.store.checkpoints(this.definition.name)).map((c) => [partitionId(c), c]),
      );
      for (const tp of fresh)
        this.positions.set(partitionId(tp), stored.get(partitionId(tp))?.nextOffset ?? 0);
    }
    this.assignment = assignment;
  }

  /** Heartbeats run on a timer; the loop applies what they learnt, so assignments change between batches only. */
  private async beat(): Promise<void> {
    const current = this.assignment;
    if (!current || !this.memberId || this.state !== 'running') return;
    try {
      const result = await this.log.heartbeat(this.definition.groupId, this.memberId, current.generation);
      if (result.rebalanced) {
        this.pending = result;
        this.wake?.();
      }
    } catch (error) {
      if (isFenced(error)) {
        this.rejoin = true;
        this.wake?.();
      } else {
        this.lastError = error as Error;
      }
    }
  }

  private async syncGroup(): Promise<void> {
    if (this.rejoin) {
      this.rejoin = false;
      this.pending = undefined;
      await this.adopt(await this.join());
    } else if (this.pending) {
      const next = this.pending;
      this.pending = undefined;
      await this.adopt(next);
    }
  }

  /** Up to batchSize records over the assigned partitions, starting at a rotating one for fairness. */
  private async fetch(): Promise<PartitionRecords[]> {
    const partitions = this.assignment?.partitions ?? [];
    let room = this.options.batchSize ?? 500;
    const batch: PartitionRecords[] = [];
    this.rotation = (this.rotation + 1) % Math.max(1, partitions.length);
    for (let i = 0; i < partitions.length && room > 0; i += 1) {
      const tp = partitions[(this.rotation + i) % partitions.length];
      const offset = this.positions.get(partitionId(tp));
      if (offset === undefined) continue;
      const records = await this.log.read(tp.topic, tp.partition, offset, { maxRecords: room });
      if (records.length === 0) continue;
      batch.push({ topic: tp.topic, partition: tp.partition, records });
      room -= records.length;
    }
    return batch;
  }

  /** Long-polls every assigned partition until one has news, a rebalance, stop, or maxWaitMs. */
  private async idle(): Promise<void> {
    const maxWaitMs = this.options.maxWaitMs ?? 500;
    const partitions = this.assignment?.partitions ?? [];
    const polls: Promise<unknown>[] = partitions.map((tp) =>
      this.log
        .read(tp.topic, tp.partition, this.positions.get(partitionId(tp)) ?? 0, { maxRecords: 1, maxWaitMs })
        .catch(() => undefined),
    );
    await Promise.race([...polls, this.sleep(maxWaitMs)]);
  }

  private async commitOffsets(): Promise<void> {
    const assignment = this.assignment;
    if (!assignment || !this.memberId) return;
    const offsets = assignment.partitions
      .filter((tp) => this.positions.has(partitionId(tp)))
      .map((tp) => ({
        topic: tp.topic,
        partition: tp.partition,
        offset: this.positions.get(partitionId(tp)) ?? 0,
      }));
    try {
      await this.log.commitOffsets(this.definition.groupId, this.memberId, assignment.generation, offsets);
    } catch (error) {
      // Fenced: the partitions may have moved. The store's checkpoints stay the truth; rejoin and go on.
      if (!isFenced(error)) throw error;
      this.rejoin = true;
    }
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
    clearInterval(this.heartbeat);
  }

  private sessionTimeoutMs(): number {
    return this.options.sessionTimeoutMs ?? 10_000;
  }
}

function isFenced(error: unknown): boolean {
  return error instanceof ConflictError && FENCED.has(error.code);
}

function uniqueClasses(definition: ProjectionDefinition): EventClass[] {
  return [...new Set([...definition.handlers.values()].map((h) => h.event))];
}
