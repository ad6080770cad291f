import { Injectable } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { PROJECTION_METADATA } from '../projections/projection.constants';

/** A @Projection provider found in the application: its class, and its instance once Nest built it. */
export interface DiscoveredProjection {
  readonly type: abstract new (...args: never[]) => object;
  readonly instance: object | undefined;
}

/**
 * Finds the @Projection providers of every module (registered with `forFeature({ projections })` or
 * listed as plain providers), like @nestjs/cqrs's explorer finds handlers. A class provided in two
 * modules counts once.
 */
@Injectable()
export class ProjectionExplorer {
  constructor(private readonly modules: ModulesContainer) {}

  explore(): DiscoveredProjection[] {
    const found = new Map<unknown, DiscoveredProjection>();
    for (const module of this.modules.values()) {
      for (const wrapper of module.providers.values()) {
        const type = wrapper.metatype as DiscoveredProjection['type'] | null;
        if (!type || typeof type !== 'function' || !Reflect.hasOwnMetadata(PROJECTION_METADATA, type))
          continue;
        const instance = (wrapper.instance as object | null) ?? undefined;
        if (!found.has(type) || (instance && !found.get(type)?.instance)) found.set(type, { type, instance });
      }
    }
    return [...found.values()];
  }
}
