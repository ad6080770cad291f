import { AggregateAlreadyExistsError, AggregateNotFoundError } from '../errors';
import { MessageContexts } from '../messaging/message-context';
import { UnitOfWork } from '../messaging/unit-of-work';
import { AggregateClass, AggregateDefinition } from './aggregate-definition';
import { AggregateInternals, AggregateRoot } from './aggregate-root';
import { DecodedSnapshot, SnapshotCodec } from './snapshot-codec';
import type { EventStore } from './event-store';
import type { Handover } from './aggregate-locks';

/**
 * Loads and saves one aggregate type. Inside a command handler `save` stages the events; the command
 * pipeline appends them (with snapshot and idempotency record) in one atomic append after the handler
 * returns. Elsewhere `save` appends at once. Both use the loaded version as the expected version.
 *
 * @example
 * const account = await accounts.load(id);
 * account.deposit(50);
 * await accounts.save(account);
 */
export class AggregateRepository<T extends AggregateRoot> {
  constructor(
    private readonly store: EventStore,
    private readonly cls: AggregateClass<T>,
  ) {}

  get definition(): AggregateDefinition<T> {
    return this.store.definition(this.cls);
  }

  /** A new aggregate at version 0. Throws AggregateAlreadyExistsError if the id has events. */
  async create(id: string): Promise<T> {
    const { eventsTopic, name } = this.definition;
    const handover = await this.lockForCommand(id);
    if (handover) throw new AggregateAlreadyExistsError(name, id);
    const version = (await this.store.log.keyVersions(eventsTopic, [id])).get(id) ?? 0;
    if (version > 0) throw new AggregateAlreadyExistsError(name, id);
    return new this.cls(id);
  }

  /** The aggregate at its latest version. Throws AggregateNotFoundError if it has no events. */
  async load(id: string): Promise<T> {
    const aggregate = await this.find(id);
    if (!aggregate) throw new AggregateNotFoundError(this.definition.name, id);
    return aggregate;
  }

  /**
   * The aggregate at its latest version, or undefined if it has no events: its cached state in this
   * process, else its latest snapshot, plus the events after it. Inside a command that got the
   * aggregate's lock with state handed over, that state (decided, appended with this command).
   */
  async find(id: string): Promise<T | undefined> {
    const definition = this.definition;
    const handover = await this.lockForCommand(id);
    const aggregate = new this.cls(id);
    if (handover) {
      aggregate.restore(JSON.parse(handover.state));
      AggregateInternals.setPersistedVersion(aggregate, handover.version);
      return aggregate;
    }
    const cacheKey = this.store.cacheKey(definition, id);
    let from = cacheKey === null ? 0 : await this.fromCache(aggregate, cacheKey);
    if (from === 0 && definition.snapshotEvery > 0) {
      const snapshot = await this.latestSnapshot(id);
      if (snapshot) {
        aggregate.restore(snapshot.state);
        AggregateInternals.setPersistedVersion(aggregate, snapshot.version);
        from = snapshot.version;
      }
    }
    const records = from === Infinity ? [] : await this.store.log.readKey(definition.eventsTopic, id, from);
    for (const record of records) {
      const { event, metadata } = this.store.serializer.deserialize(record);
      AggregateInternals.replay(aggregate, event, metadata.aggregateVersion);
    }
    if (aggregate.version === 0) return undefined;
    if (cacheKey !== null && records.length > 0) {
      this.store.cache.set(cacheKey, {
        version: aggregate.version,
        state: AggregateInternals.snapshotJson(aggregate),
      });
    }
    return aggregate;
  }

  /** Saves the aggregate's new events (and a snapshot when due) expecting the version it was loaded at. */
  async save(aggregate: T): Promise<void> {
    if (aggregate.uncommittedEvents.length === 0) return;
    const staged = this.store.stage(aggregate);
    const unit = MessageContexts.current()?.unitOfWork;
    if (unit) {
      unit.stage(staged);
      return;
    }
    const direct = new UnitOfWork();
    direct.stage(staged);
    await this.store.commit(direct);
  }

  /**
   * Restores the cached state if the log has not moved past it; returns the version to read events
   * after (Infinity: the cache is current, nothing to read; 0: no usable cache).
   */
  private async fromCache(aggregate: T, cacheKey: string): Promise<number> {
    const cached = this.store.cache.get(cacheKey);
    if (!cached) return 0;
    const current =
      (await this.store.log.keyVersions(this.definition.eventsTopic, [aggregate.id])).get(aggregate.id) ?? 0;
    if (current < cached.version) {
      this.store.cache.delete(cacheKey); // the log was replaced under us: trust only the log
      return 0;
    }
    aggregate.restore(JSON.parse(cached.state));
    AggregateInternals.setPersistedVersion(aggregate, cached.version);
    return current === cached.version ? Infinity : cached.version;
  }

  /**
   * Inside a command: queue behind other commands of this process on the same aggregate
   * (AggregateLocks); returns the state handed over with the lock, if any.
   */
  private async lockForCommand(id: string): Promise<Handover | undefined> {
    const unit = MessageContexts.current()?.unitOfWork;
    if (!unit) return undefined;
    const key = `${this.definition.eventsTopic}\u0000${id}`;
    await this.store.locks.lock(unit, key);
    return this.store.locks.handoverOf(unit, key);
  }

  // One lookup whatever the history length: the latest record of the id on the compacted state topic.
  private async latestSnapshot(id: string): Promise<DecodedSnapshot | null> {
    const record = await this.store.log.readLatest(this.definition.stateTopic, id);
    return record && record.value !== null ? SnapshotCodec.decode(this.definition, record) : null;
  }
}
