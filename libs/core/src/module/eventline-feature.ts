import { AggregateClass } from '../aggregates/aggregate-definition';
import { EventClass } from '../events/event-class';
import { Upcaster } from '../serialization/upcaster';

export interface EventlineFeatureOptions {
  readonly upcasters?: readonly Upcaster[];
}

/** What one `EventlineModule.forFeature(...)` registered; the explorer collects them at start-up. */
export class EventlineFeature {
  constructor(
    readonly types: readonly (AggregateClass | EventClass)[],
    readonly upcasters: readonly Upcaster[],
  ) {}
}
