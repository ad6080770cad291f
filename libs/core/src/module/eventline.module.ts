import { DynamicModule, Module, Provider } from '@nestjs/common';
import { AggregateClass, isAggregateClass } from '../aggregates/aggregate-definition';
import { EventStore } from '../aggregates/event-store';
import { EventClass } from '../events/event-class';
import { EventlineCoreModule } from './eventline-core.module';
import { EventlineProjectionsModule } from './eventline-projections.module';
import { EventlineFeature, EventlineFeatureOptions } from './eventline-feature';
import { EVENTLINE_ASYNC_OPTIONS_TYPE, EVENTLINE_OPTIONS_TYPE } from './eventline.module-definition';
import { getRepositoryToken } from './eventline.constants';

/**
 * Event sourcing for a NestJS application, next to CqrsModule: handlers stay @CommandHandler classes,
 * repositories are injected per aggregate, every command is validated, committed atomically and
 * its events published on the EventBus.
 *
 * @example
 * @Module({
 *   imports: [
 *     CqrsModule.forRoot(),
 *     EventlineModule.forRoot({ engine: sqliteEngine({ file: 'data/bank.db' }), concurrencyRetries: 3 }),
 *     EventlineModule.forFeature([Account, Transfer]),
 *   ],
 *   providers: [DepositHandler],
 * })
 * export class BankModule {}
 */
@Module({})
export class EventlineModule {
  static forRoot(options: typeof EVENTLINE_OPTIONS_TYPE): DynamicModule {
    return {
      module: EventlineModule,
      imports: [EventlineCoreModule.forRoot(options), EventlineProjectionsModule],
    };
  }

  static forRootAsync(options: typeof EVENTLINE_ASYNC_OPTIONS_TYPE): DynamicModule {
    return {
      module: EventlineModule,
      imports: [EventlineCoreModule.forRootAsync(options), EventlineProjectionsModule],
    };
  }

  /**
   * Registers aggregates (a repository each, their topics, their events) and extra event classes.
   * Projections are not registered here: list @Projection classes in your module's `providers`, like
   * @CommandHandler classes, so they can inject that module's services; the `Projections` service finds them.
   *
   * @example
   * EventlineModule.forFeature({ aggregates: [Account], events: [FeeCharged] })
   */
  static forFeature(feature: EventlineFeatureSpec): DynamicModule;
  static forFeature(
    types: readonly (AggregateClass | EventClass)[],
    options?: EventlineFeatureOptions,
  ): DynamicModule;
  static forFeature(
    typesOrSpec: readonly (AggregateClass | EventClass)[] | EventlineFeatureSpec,
    options: EventlineFeatureOptions = {},
  ): DynamicModule {
    const spec: EventlineFeatureSpec = isFeatureSpec(typesOrSpec)
      ? typesOrSpec
      : { aggregates: typesOrSpec, upcasters: options.upcasters };
    const types = [...(spec.aggregates ?? []), ...(spec.events ?? [])];
    const repositories: Provider[] = types.filter(isAggregateClass).map((cls) => ({
      provide: getRepositoryToken(cls),
      useFactory: (store: EventStore) => store.repository(cls),
      inject: [EventStore],
    }));
    const feature: Provider = {
      provide: EventlineFeature,
      useValue: new EventlineFeature(types, spec.upcasters ?? []),
    };
    return {
      module: EventlineModule,
      providers: [feature, ...repositories],
      exports: repositories.map((p) => (p as { provide: string }).provide),
    };
  }
}

/** What `EventlineModule.forFeature({ ... })` registers. */
export interface EventlineFeatureSpec {
  readonly aggregates?: readonly (AggregateClass | EventClass)[];
  /** Event classes no aggregate declares (read by projections, or appended by hand). */
  readonly events?: readonly EventClass[];
  readonly upcasters?: EventlineFeatureOptions['upcasters'];
}

function isFeatureSpec(value: unknown): value is EventlineFeatureSpec {
  return !Array.isArray(value);
}
