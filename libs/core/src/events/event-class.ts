import 'reflect-metadata';
import { EVENT_METADATA } from '../decorators/constants';
import { EventDefinition } from '../decorators/event.decorator';
import { DefinitionError } from '../errors';

/** A class decorated with @Event. */
export type EventClass<E extends object = object> = abstract new (...args: never[]) => E;

/** The @Event definition of a class; throws DefinitionError when the class has none. */
export function eventDefinitionOf(cls: EventClass): EventDefinition {
  const definition = Reflect.getOwnMetadata(EVENT_METADATA, cls) as EventDefinition | undefined;
  if (!definition) {
    throw new DefinitionError(
      `${cls.name} is not an event: decorate it with @Event('<type>', { version }).`,
      {
        class: cls.name,
      },
    );
  }
  return definition;
}

export function isEventClass(cls: unknown): cls is EventClass {
  return typeof cls === 'function' && Reflect.hasOwnMetadata(EVENT_METADATA, cls);
}
