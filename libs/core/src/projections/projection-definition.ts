import 'reflect-metadata';
import { DefinitionError } from '../errors';
import { EventClass, eventDefinitionOf } from '../events/event-class';
import { OnHandlerMetadata } from './on.decorator';
import { ON_HANDLERS_METADATA, PROJECTION_METADATA } from './projection.constants';
import { ProjectionMetadata } from './projection.decorator';

/** A projection's @Projection metadata with its @On handlers indexed by stored event type. */
export interface ProjectionDefinition extends ProjectionMetadata {
  /** Consumer group of the projection: `projection.<name>`. */
  readonly groupId: string;
  /** Event type → { class, method name }. */
  readonly handlers: ReadonlyMap<string, { readonly event: EventClass; readonly method: string | symbol }>;
}

/** Reads the definition of a @Projection class (or instance); throws DefinitionError when incomplete. */
export function projectionDefinitionOf(target: object): ProjectionDefinition {
  const cls = (typeof target === 'function' ? target : target.constructor) as abstract new () => object;
  const metadata = Reflect.getOwnMetadata(PROJECTION_METADATA, cls) as ProjectionMetadata | undefined;
  if (!metadata) {
    throw new DefinitionError(
      `${cls.name} is not a projection: decorate it with @Projection('<name>', { topics }).`,
      { class: cls.name },
    );
  }
  if (metadata.topics.length === 0) {
    throw new DefinitionError(`Projection "${metadata.name}" reads no topic: list at least one.`, {
      projection: metadata.name,
    });
  }
  const handlers = new Map<string, { event: EventClass; method: string | symbol }>();
  const declared: OnHandlerMetadata[] = Reflect.getMetadata(ON_HANDLERS_METADATA, cls) ?? [];
  for (const { event, method } of declared) {
    const { type } = eventDefinitionOf(event);
    const existing = handlers.get(type);
    if (existing && existing.method !== method) {
      throw new DefinitionError(
        `Projection "${metadata.name}" handles "${type}" twice (${String(existing.method)} and ${String(method)}).`,
        { projection: metadata.name, type },
      );
    }
    handlers.set(type, { event, method });
  }
  return { ...metadata, groupId: `projection.${metadata.name}`, handlers };
}
