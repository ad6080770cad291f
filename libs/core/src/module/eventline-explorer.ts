import { Injectable } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { EventlineFeature } from './eventline-feature';

/** Finds, across all modules, the aggregates, events and upcasters registered with forFeature (like @nestjs/cqrs's ExplorerService). */
@Injectable()
export class EventlineExplorer {
  constructor(private readonly modules: ModulesContainer) {}

  explore(): EventlineFeature[] {
    const features = new Set<EventlineFeature>();
    for (const module of this.modules.values()) {
      for (const wrapper of module.providers.values()) {
        if (wrapper.instance instanceof EventlineFeature) features.add(wrapper.instance);
      }
    }
    return [...features];
  }
}
