import { AggregateAlreadyExistsError, AggregateNotFoundError } from '../errors';
import { MessageContexts } from '../messaging/message-context';
import { UnitOfWork } from '../messaging/unit-of-work';
import { AggregateClass, AggregateDefinition } from './aggregate-definition';
import { AggregateInternals, AggregateRoot } from './aggregate-root';
import { DecodedSnapshot, SnapshotCodec } from './snapshot-codec';
import type { EventStore } from './event-store';

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

  /** The aggregate at its latest version, or undefined if it has no events: latest snapshot + the events after it. */
  async find(id: string): Promise<T | undefined> {
    const definition = this.definition;
    const aggregate = new this.cls(id);
    const snapshot = definition.snapshotEvery > 0 ? await this.latestSnapshot(id) : null;
    if (snapshot) {
      aggregate.restore(snapshot.state);
      AggregateInternals.setPersistedVersion(aggregate, snapshot.version);
    }
    const records = await this.store.log.readKey(definition.eventsTopic, id, snapshot?.version ?? 0);
    for (const record of records) {
      const { event, metadata } = this.store.serializer.deserialize(record);
      AggregateInternals.replay(aggregate, event, metadata.aggregateVersion);
    }
    return aggregate.version === 0 ? undefined : aggregate;
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

  // One lookup whatever the history length: the latest record of the id on the compacted state topic.
  private async latestSnapshot(id: string): Promise<DecodedSnapshot | null> {
    const record = await this.store.log.readLatest(this.definition.stateTopic, id);
    return record && record.value !== null ? SnapshotCodec.decode(this.definition, record) : null;
  }
}
