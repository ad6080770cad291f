import { DefinitionError, UnknownEventTypeError } from '../errors';
import { EventDefinition } from '../decorators/event.decorator';
import { EventClass, eventDefinitionOf } from '../events/event-class';

/** Maps stored type names to event classes and back. One per application. */
export class EventTypeRegistry {
  private readonly byType = new Map<string, EventClass>();

  constructor(classes: Iterable<EventClass> = []) {
    for (const cls of classes) this.register(cls);
  }

  register(cls: EventClass): void {
    const { type } = eventDefinitionOf(cls);
    const existing = this.byType.get(type);
    if (existing && existing !== cls) {
      throw new DefinitionError(
        `Event type "${type}" is declared by both ${existing.name} and ${cls.name}. Type names must be unique.`,
        {
          type,
        },
      );
    }
    this.byType.set(type, cls);
  }

  /** The class registered for a stored type; throws UnknownEventTypeError. */
  classOf(type: string): EventClass {
    const cls = this.byType.get(type);
    if (!cls) throw new UnknownEventTypeError(type, this.types());
    return cls;
  }

  /** The definition of an event instance, checking that its class is the registered one. */
  definitionOf(event: object): EventDefinition {
    const definition = eventDefinitionOf(event.constructor as EventClass);
    this.classOf(definition.type);
    return definition;
  }

  has(type: string): boolean {
    return this.byType.has(type);
  }

  types(): string[] {
    return [...this.byType.keys()].sort();
  }
}
