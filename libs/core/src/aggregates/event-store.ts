import { EventClass, isEventClass } from '../events/event-class';
import { EventEnvelope } from '../events/event-envelope';
import { attachEventMetadata, EventMetadata } from '../events/event-metadata';
import { DefinitionError } from '../errors';
import { EventLog } from '../log/event-log';
import { AppendResult, KeyExpectation, ProducerRecord, RecordHeaders, RecordPosition } from '../log/record';
import { TopicSpec } from '../log/topic';
import { MessageContexts } from '../messaging/message-context';
import { uuidV4 } from '../messaging/uuid-v4';
import { StagedStream, StreamWrite, UnitOfWork } from '../messaging/unit-of-work';
import { EventSerializer } from '../serialization/event-serializer';
import { EventTypeRegistry } from '../serialization/event-type-registry';
import { Upcaster } from '../serialization/upcaster';
import { UpcasterChain } from '../serialization/upcaster-chain';
import {
  AggregateClass,
  AggregateDefinition,
  defineAggregate,
  isAggregateClass,
} from './aggregate-definition';
import { AggregateInternals, AggregateRoot } from './aggregate-root';
import { AggregateRepository } from './aggregate-repository';
import { AggregateLocks } from './aggregate-locks';
import { AggregateCache } from './aggregate-cache';
import { snapshotDue } from './snapshot-policy';
import { SnapshotCodec } from './snapshot-codec';

export interface EventStoreOptions {
  readonly log: EventLog;
  /** Aggregate classes and extra event classes (events without an @Evolve handler). More can be registered later. */
  readonly types?: readonly (AggregateClass | EventClass)[];
  readonly upcasters?: readonly Upcaster[];
  /** Default snapshot policy: a snapshot every N events (default 100; 0 = none). @Aggregate can override it. */
  readonly snapshotEvery?: number;
  /** Partitions of topics this store creates (default 8). */
  readonly partitions?: number;
  /**
   * Aggregates whose latest state this process keeps (least recently used out; default 10 000; 0 =
   * none). Only aggregates with snapshots on are cached: the cache holds the same JSON as a snapshot.
   * A load still checks the id's version in the log, so another process's appends are never missed.
   */
  readonly cacheSize?: number;
  readonly clock?: () => number;
}

/** What one atomic append wrote. */
export interface CommitResult {
  /** Positions of the appended events, in append order. */
  readonly positions: readonly RecordPosition[];
  readonly writes: readonly StreamWrite[];
  readonly events: readonly EventEnvelope[];
  /** Positions of the extra records, in the order given. */
  readonly extraPositions: readonly RecordPosition[];
}

export interface CommitExtras {
  readonly records: readonly ProducerRecord[];
  readonly expectations: readonly KeyExpectation[];
}

/**
 * The event-sourcing layer over an EventLog: knows aggregates and event types, hands out repositories,
 * turns saved aggregates into records and commits them atomically.
 *
 * @example
 * const store = new EventStore({ log, types: [Account] });
 * await store.provisionTopics();
 * const accounts = store.repository(Account);
 */
export class EventStore {
  readonly serializer: EventSerializer;
  /** Per-aggregate locks of the commands running in this process (released by the command pipeline). */
  readonly locks = new AggregateLocks();
  readonly cache: AggregateCache;
  /** Called with the events of every successful commit (the Nest module wires it to the EventBus). */
  publisher: (events: readonly EventEnvelope[]) => void = () => undefined;
  private readonly definitions = new Map<AggregateClass, AggregateDefinition>();
  private readonly clock: () => number;
  private readonly snapshotEvery: number;
  readonly partitions: number;

  constructor(readonly options: EventStoreOptions) {
    this.serializer = new EventSerializer(
      new EventTypeRegistry(),
      new UpcasterChain(options.upcasters ?? []),
    );
    this.clock = options.clock ?? Date.now;
    this.snapshotEvery = options.snapshotEvery ?? 100;
    this.partitions = options.partitions ?? 8;
    this.cache = new AggregateCache(options.cacheSize ?? 10_000);
    for (const type of options.types ?? []) this.register(type);
  }

  get log(): EventLog {
    return this.options.log;
  }

  /** Registers an aggregate class (with the event classes of its @Evolve handlers) or an event class. */
  register(type: AggregateClass | EventClass): void {
    if (isAggregateClass(type)) this.definition(type as AggregateClass);
    else if (isEventClass(type)) this.serializer.registry.register(type);
    else
      throw new DefinitionError(
        `${(type as { name?: string }).name} is neither an @Aggregate nor an @Event class.`,
      );
  }

  registerUpcaster(upcaster: Upcaster): void {
    this.serializer.upcasters.register(upcaster);
  }

  definition<T extends AggregateRoot>(cls: AggregateClass<T>): AggregateDefinition<T> {
    let definition = this.definitions.get(cls);
    if (!definition) {
      definition = defineAggregate(cls, { snapshotEvery: this.snapshotEvery, partitions: this.partitions });
      for (const event of definition.eventClasses) this.serializer.registry.register(event);
      this.definitions.set(cls, definition);
    }
    return definition as AggregateDefinition<T>;
  }

  aggregates(): AggregateDefinition[] {
    return [...this.definitions.values()];
  }

  repository<T extends AggregateRoot>(cls: AggregateClass<T>): AggregateRepository<T> {
    return new AggregateRepository(this, cls);
  }

  /**
   * `<aggregate>.events` (delete, retention forever, keyIndex: loads read an id's events as a stream)
   * and `<aggregate>.state` (compacted; loads read only an id's latest snapshot) of every registered aggregate.
   */
  topicSpecs(): TopicSpec[] {
    return this.aggregates().flatMap((d) => [
      {
        name: d.eventsTopic,
        partitions: d.partitions,
        config: { cleanupPolicy: 'delete', retentionMs: -1 },
        keyIndex: true,
      },
      { name: d.stateTopic, partitions: d.partitions, config: { cleanupPolicy: 'compact' } },
    ]);
  }

  /** Creates the missing topics of every registered aggregate (plus `extra`); existing topics keep their configuration. */
  async provisionTopics(extra: readonly TopicSpec[] = []): Promise<void> {
    const existing = new Set((await this.log.listTopics()).map((t) => t.name));
    const missing = [...this.topicSpecs(), ...extra].filter((s) => !existing.has(s.name));
    if (missing.length > 0) await this.log.createTopics(missing);
  }

  /** Key of an aggregate instance in the cache, or null when its type is not cached (snapshots off, or no cache). */
  cacheKey(definition: AggregateDefinition, id: string): string | null {
    return this.cache.capacity > 0 && definition.snapshotEvery > 0
      ? `${definition.eventsTopic}\u0000${id}`
      : null;
  }

  /** Turns an aggregate's pending events (and a due snapshot) into a staged stream, draining them from the aggregate. */
  stage(aggregate: AggregateRoot): StagedStream {
    const definition = this.definition(aggregate.constructor as AggregateClass);
    const expectedVersion = AggregateInternals.persistedVersion(aggregate);
    const context = MessageContexts.current();
    const timestamp = this.clock();
    const pending = AggregateInternals.drain(aggregate);
    const events = pending.map(({ event, headers }, i) => {
      const { type, version } = this.serializer.registry.definitionOf(event);
      // Frozen here, once: attachEventMetadata keeps frozen metadata as is instead of copying it.
      const metadata: EventMetadata = Object.freeze({
        eventId: uuidV4(),
        type,
        schemaVersion: version,
        aggregate: definition.name,
        aggregateId: aggregate.id,
        aggregateVersion: expectedVersion + i + 1,
        timestamp,
        correlationId: context?.correlationId ?? uuidV4(),
        causationId: context?.messageId ?? null,
        headers: mergeHeaders(context?.headers, headers),
      });
      const { value, headers: recordHeaders } = this.serializer.serialize(event, metadata);
      const record: ProducerRecord = {
        topic: definition.eventsTopic,
        key: aggregate.id,
        value,
        headers: recordHeaders,
        timestamp,
      };
      return { event, metadata, record };
    });
    const toVersion = expectedVersion + events.length;
    const snapshot = snapshotDue(definition.snapshotEvery, expectedVersion, toVersion)
      ? SnapshotCodec.encode(definition, aggregate, toVersion, timestamp)
      : null;
    // With snapshots on, snapshot() is the state's contract: the cache and handovers use it.
    const cached =
      definition.snapshotEvery > 0
        ? {
            version: toVersion,
            state: snapshot?.value?.toString('utf8') ?? AggregateInternals.snapshotJson(aggregate),
          }
        : undefined;
    return {
      aggregate: definition.name,
      id: aggregate.id,
      topic: definition.eventsTopic,
      expectedVersion,
      events,
      snapshot,
      ...(cached ? { cachedState: cached } : {}),
    };
  }

  /** Appends a unit of work (plus extra records such as the idempotency record) atomically, then publishes its events. */
  async commit(unit: UnitOfWork, extras: CommitExtras = NO_EXTRAS): Promise<CommitResult> {
    return (await this.commitAll([{ unit, extras }]))[0];
  }

  /**
   * Appends several units of work as ONE atomic append, all or nothing: the units of commands that
   * ran one after the other on one aggregate. A stream staged by several units must chain (each
   * starts where the previous ended); its expectation is the version before the first. Returns
   * each unit's own positions, writes and events, in the order given.
   */
  async commitAll(
    parts: readonly { readonly unit: UnitOfWork; readonly extras?: CommitExtras }[],
  ): Promise<CommitResult[]> {
    const records: ProducerRecord[] = [];
    const expectations: KeyExpectation[] = [];
    const last = new Map<string, StagedStream>();
    const snapshots = new Map<string, ProducerRecord>();
    const eventIndexes = parts.map((part) =>
      part.unit.staged().flatMap((stream) => {
        const id = `${stream.topic}\u0000${stream.id}`;
        const before = last.get(id);
        if (!before) {
          expectations.push({ topic: stream.topic, key: stream.id, version: stream.expectedVersion });
        } else if (stream.expectedVersion !== before.expectedVersion + before.events.length) {
          throw new DefinitionError(
            `${stream.aggregate} "${stream.id}": merged units do not chain (${stream.expectedVersion} after ${before.expectedVersion + before.events.length}).`,
          );
        }
        last.set(id, stream);
        if (stream.snapshot) snapshots.set(id, stream.snapshot); // the latest is enough on a compacted topic
        return stream.events.map((e) => records.push(e.record) - 1);
      }),
    );
    records.push(...snapshots.values());
    const extraIndexes = parts.map(({ extras = NO_EXTRAS }) => {
      expectations.push(...extras.expectations);
      return extras.records.map((r) => records.push(r) - 1);
    });
    if (records.length === 0)
      return parts.map(() => ({ positions: [], writes: [], events: [], extraPositions: [] }));
    const result: AppendResult = await this.log.append({ records, expectations });
    for (const [id, stream] of last) if (stream.cachedState) this.cache.set(id, stream.cachedState);
    const results = parts.map(({ unit }, p): CommitResult => {
      const positions = eventIndexes[p].map((i) => toPosition(result.records[i]));
      const events = unit
        .staged()
        .flatMap((s) => s.events)
        .map((e, i): EventEnvelope => {
          attachEventMetadata(e.event, e.metadata);
          return { event: e.event, metadata: e.metadata, position: positions[i] };
        });
      return {
        positions,
        writes: unit.writes(),
        events,
        extraPositions: extraIndexes[p].map((i) => toPosition(result.records[i])),
      };
    });
    this.publisher(results.flatMap((r) => r.events));
    return results;
  }
}

const NO_EXTRAS: CommitExtras = { records: [], expectations: [] };
const NO_HEADERS: RecordHeaders = Object.freeze({});

/** The command's headers overlaid with the event's own, frozen; one shared empty object when both are empty (the usual case). */
function mergeHeaders(command: RecordHeaders | undefined, event: RecordHeaders): RecordHeaders {
  const none = (h: RecordHeaders | undefined) => h === undefined || isEmpty(h);
  if (none(command) && none(event)) return NO_HEADERS;
  return Object.freeze({ ...command, ...event });
}

function isEmpty(headers: RecordHeaders): boolean {
  for (const _ in headers) return false;
  return true;
}

function toPosition(r: RecordPosition): RecordPosition {
  return { topic: r.topic, partition: r.partition, offset: r.offset };
}
