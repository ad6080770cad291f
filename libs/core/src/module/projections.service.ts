import {
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleDestroy,
} from '@nestjs/common';
import { EventStore } from '../aggregates/event-store';
import { decodePositionToken } from '../commands/position-token';
import { DefinitionError } from '../errors';
import { EventLog } from '../log/event-log';
import { RecordPosition } from '../log/record';
import { ProjectionNotFoundError } from '../projections/projection-errors';
import { ProjectionHost } from '../projections/projection-host';
import { ParkedEvent } from '../projections/parked-event';
import { ParkedRef } from '../projections/parking-lot';
import { ProjectionStatus } from '../projections/projection-status';
import { ReadModelStore } from '../projections/read-model-store';
import { CommandGateway } from './command-gateway';
import { EventlineModuleOptions } from './eventline-module-options';
import { EVENTLINE_MODULE_OPTIONS } from './eventline.module-definition';
import { EVENT_LOG, READ_MODEL_STORE } from './eventline.constants';
import { ProjectionExplorer } from './projection-explorer';

/** Positions as a command receipt gives them: `receipt.positions` or the token `receipt.position`. */
export type Positions = string | readonly RecordPosition[];

/**
 * The projections of this application process: one ProjectionRunner each, started on application
 * bootstrap and stopped on shutdown (after the batch in flight). Inject it to wait for your writes,
 * to watch lag and errors, or to rebuild a read model.
 *
 * @example
 * const receipt = await gateway.send(new Deposit(id, 50));
 * await projections.waitFor('account-balances', receipt.position, 2_000); // then query the read model
 */
@Injectable()
export class Projections implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly hosts = new Map<string, ProjectionHost>();

  constructor(
    @Inject(EVENTLINE_MODULE_OPTIONS) private readonly options: EventlineModuleOptions,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(READ_MODEL_STORE) private readonly store: ReadModelStore | null,
    private readonly events: EventStore,
    private readonly explorer: ProjectionExplorer,
    private readonly gateway: CommandGateway,
  ) {}

  /** Names of the registered projections. */
  names(): string[] {
    return [...this.hosts.keys()];
  }

  /** Status of every projection (or of one) as seen by this process: its partitions, offsets, lag, last error. */
  async status(): Promise<ProjectionStatus[]>;
  async status(name: string): Promise<ProjectionStatus>;
  async status(name?: string): Promise<ProjectionStatus | ProjectionStatus[]> {
    if (name !== undefined) return this.host(name).status();
    return Promise.all([...this.hosts.values()].map((r) => r.status()));
  }

  /**
   * Read-your-writes: resolves once projection `name` has committed every position on the topics it
   * reads (positions on other topics are ignored); throws ProjectionWaitTimeoutError.
   */
  async waitFor(name: string, positions: Positions, timeoutMs = 5_000): Promise<void> {
    const host = this.host(name);
    const wanted = new Set(host.definition.topics);
    await host.waitFor(
      decode(positions).filter((p) => wanted.has(p.topic)),
      timeoutMs,
    );
  }

  /** waitFor on every projection that reads a topic of the positions. */
  async waitForAll(positions: Positions, timeoutMs = 5_000): Promise<void> {
    const decoded = decode(positions);
    await Promise.all(
      [...this.hosts.values()]
        .filter((r) => decoded.some((p) => r.definition.topics.includes(p.topic)))
        .map((r) => this.waitFor(r.definition.name, decoded, timeoutMs)),
    );
  }

  /**
   * Rebuilds projection `name`: replays its topics from the start into shadow tables while the live
   * read model keeps serving, then switches over atomically and drops the old tables. Resolves after
   * the switch; meanwhile `status(name)` is 'rebuilding' with `rebuild` progress (events, rate, ETA).
   * Also happens by itself on start-up when the projection's `version` changed.
   */
  rebuild(name: string): Promise<void> {
    return this.host(name).rebuild();
  }

  /** Records projection `name` parked (poison events and the events of their keys waiting behind them). */
  parked(name: string): Promise<ParkedEvent[]> {
    return this.host(name).parked();
  }

  /**
   * Re-applies the parked records of one key (as listed by `parked`), in order, in one transaction;
   * later events of the key flow again. Throws the handler's error if it fails again (all stay parked).
   */
  retryParked(name: string, event: ParkedRef): Promise<number> {
    return this.host(name).retryParked(event);
  }

  /** Drops one parked record for good, then retries the records of its key that waited behind it. */
  skipParked(name: string, event: ParkedRef): Promise<number> {
    return this.host(name).skipParked(event);
  }

  /** Starts one projection (or all); they start with the application unless `projections.autoStart` is false. */
  async start(name?: string): Promise<void> {
    await Promise.all(this.select(name).map((r) => r.start()));
  }

  /** Stops one projection (or all) after the batch in flight; its partitions move to other processes. */
  async stop(name?: string): Promise<void> {
    await Promise.all(this.select(name).map((r) => r.stop()));
  }

  async onApplicationBootstrap(): Promise<void> {
    const found = this.explorer.explore();
    if (found.length === 0) return;
    if (!this.store) {
      throw new DefinitionError(
        `Projections ${found.map((p) => p.type.name).join(', ')} need a read-model database: pass readModels: typeOrmReadModels({ ... }) (from @eventline/typeorm) to EventlineModule.forRoot.`,
      );
    }
    const { autoStart = true, ...settings } = this.options.projections ?? {};
    for (const { type, instance } of found) {
      if (!instance)
        throw new DefinitionError(`Projection ${type.name} was not instantiated: provide it as a singleton.`);
      const host = new ProjectionHost({
        ...settings,
        projection: instance,
        log: this.log,
        store: this.store,
        serializer: this.events.serializer,
        dispatcher: (command, options) => this.gateway.send(command, options),
      });
      if (this.hosts.has(host.definition.name)) {
        throw new DefinitionError(
          `Two projections are named "${host.definition.name}": names must be unique.`,
        );
      }
      for (const { event } of host.definition.handlers.values()) this.events.register(event);
      this.hosts.set(host.definition.name, host);
    }
    if (autoStart) await this.start();
  }

  // Before any module's shutdown hook, so runners finish their batch while the log and the store are open.
  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.options.readModels?.close();
  }

  private host(name: string): ProjectionHost {
    const host = this.hosts.get(name);
    if (!host) throw new ProjectionNotFoundError(name, this.names());
    return host;
  }

  private select(name: string | undefined): ProjectionHost[] {
    return name === undefined ? [...this.hosts.values()] : [this.host(name)];
  }
}

function decode(positions: Positions): readonly RecordPosition[] {
  return typeof positions === 'string' ? decodePositionToken(positions) : positions;
}
