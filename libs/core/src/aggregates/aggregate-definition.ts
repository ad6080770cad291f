import 'reflect-metadata';
import { AGGREGATE_METADATA } from '../decorators/constants';
import { AggregateMetadata } from '../decorators/aggregate.decorator';
import { DefinitionError } from '../errors';
import { EventClass, isEventClass } from '../events/event-class';
import { AggregateRoot } from './aggregate-root';
import { evolveHandlersOf } from './evolve-handlers';

/** A concrete AggregateRoot subclass, constructed with its id. */
export type AggregateClass<T extends AggregateRoot = AggregateRoot> = new (id: string) => T;

/** Everything the framework needs to know about one aggregate, resolved once from its decorators. */
export interface AggregateDefinition<T extends AggregateRoot = AggregateRoot> {
  readonly name: string;
  readonly cls: AggregateClass<T>;
  /** `<name>.events`: delete policy, infinite retention, keyed by aggregate id. */
  readonly eventsTopic: string;
  /** `<name>.state`: compacted, latest snapshot per aggregate id. */
  readonly stateTopic: string;
  /** 0 = no snapshots (neither written nor read). */
  readonly snapshotEvery: number;
  readonly snapshotVersion: number;
  readonly partitions: number;
  /** Event classes with an @Evolve handler here: they are registered with the serializer. */
  readonly eventClasses: readonly EventClass[];
}

export interface AggregateDefaults {
  readonly snapshotEvery: number;
  readonly partitions: number;
}

export function isAggregateClass(cls: unknown): cls is AggregateClass {
  return typeof cls === 'function' && Reflect.hasOwnMetadata(AGGREGATE_METADATA, cls);
}

/** Reads an aggregate class's decorators; throws DefinitionError when it is not a proper aggregate. */
export function defineAggregate<T extends AggregateRoot>(
  cls: AggregateClass<T>,
  defaults: AggregateDefaults,
): AggregateDefinition<T> {
  const metadata = Reflect.getOwnMetadata(AGGREGATE_METADATA, cls) as AggregateMetadata | undefined;
  if (!metadata) {
    throw new DefinitionError(`${cls.name} is not an aggregate: decorate it with @Aggregate('<name>').`, {
      class: cls.name,
    });
  }
  if (!(cls.prototype instanceof AggregateRoot)) {
    throw new DefinitionError(`Aggregate ${cls.name} must extend AggregateRoot.`, { class: cls.name });
  }
  const eventClasses = [...evolveHandlersOf(cls).keys()];
  for (const event of eventClasses) {
    if (!isEventClass(event)) {
      const eventName = (event as { name: string }).name;
      throw new DefinitionError(
        `@Evolve(${eventName}) in ${cls.name}: ${eventName} has no @Event decorator.`,
        {
          aggregate: metadata.name,
          event: eventName,
        },
      );
    }
  }
  const snapshotEvery = metadata.snapshotEvery ?? defaults.snapshotEvery;
  if (!Number.isInteger(snapshotEvery) || snapshotEvery < 0) {
    throw new DefinitionError(
      `snapshotEvery of ${metadata.name} must be a whole number ≥ 0, got ${snapshotEvery}.`,
    );
  }
  return Object.freeze({
    name: metadata.name,
    cls,
    eventsTopic: `${metadata.name}.events`,
    stateTopic: `${metadata.name}.state`,
    snapshotEvery,
    snapshotVersion: metadata.snapshotVersion ?? 1,
    partitions: metadata.partitions ?? defaults.partitions,
    eventClasses,
  });
}
