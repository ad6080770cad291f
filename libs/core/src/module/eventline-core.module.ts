import { Global, Inject, Module, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { CommandBus, EventBus } from '@nestjs/cqrs';
import { EventStore } from '../aggregates/event-store';
import { CommandPipeline } from '../commands/command-pipeline';
import { IdempotencyStore } from '../commands/idempotency-store';
import { DefinitionError } from '../errors';
import { EventEnvelope } from '../events/event-envelope';
import { EventLog } from '../log/event-log';
import { MessageContexts } from '../messaging/message-context';
import { CommandGateway } from './command-gateway';
import { installCommandPipeline } from './command-bus-pipeline';
import { isEventLog } from './eventline-engine';
import { EventlineExplorer } from './eventline-explorer';
import { EventlineModuleOptions } from './eventline-module-options';
import { ConfigurableEventlineCoreModule, EVENTLINE_MODULE_OPTIONS } from './eventline.module-definition';
import { EVENT_LOG } from './eventline.constants';

const providers = [
  {
    provide: EVENT_LOG,
    useFactory: async (o: EventlineModuleOptions): Promise<EventLog> =>
      isEventLog(o.engine) ? o.engine : o.engine.open(),
    inject: [EVENTLINE_MODULE_OPTIONS],
  },
  {
    provide: EventStore,
    useFactory: (log: EventLog, o: EventlineModuleOptions) =>
      new EventStore({
        log,
        upcasters: o.upcasters,
        snapshotEvery: o.snapshotEvery,
        partitions: o.partitions,
        cacheSize: o.aggregateCacheSize,
      }),
    inject: [EVENT_LOG, EVENTLINE_MODULE_OPTIONS],
  },
  {
    provide: IdempotencyStore,
    useFactory: (log: EventLog, o: EventlineModuleOptions) =>
      new IdempotencyStore(log, o.commandsTopic, o.partitions ?? 8),
    inject: [EVENT_LOG, EVENTLINE_MODULE_OPTIONS],
  },
  {
    provide: CommandPipeline,
    useFactory: (store: EventStore, idempotency: IdempotencyStore, o: EventlineModuleOptions) =>
      new CommandPipeline(store, idempotency, {
        concurrencyRetries: o.concurrencyRetries,
        validator: o.validator,
      }),
    inject: [EventStore, IdempotencyStore, EVENTLINE_MODULE_OPTIONS],
  },
  CommandGateway,
  EventlineExplorer,
];

/** Global half of EventlineModule.forRoot: opens the log, creates topics, puts the pipeline in front of the CommandBus. */
@Global()
@Module({
  providers,
  exports: [EVENT_LOG, EventStore, CommandPipeline, CommandGateway, EVENTLINE_MODULE_OPTIONS],
})
export class EventlineCoreModule
  extends ConfigurableEventlineCoreModule
  implements OnModuleInit, OnApplicationShutdown
{
  constructor(
    @Inject(EVENTLINE_MODULE_OPTIONS) private readonly options: EventlineModuleOptions,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    private readonly store: EventStore,
    private readonly idempotency: IdempotencyStore,
    private readonly pipeline: CommandPipeline,
    private readonly explorer: EventlineExplorer,
    @Optional() private readonly commandBus?: CommandBus,
    @Optional() private readonly eventBus?: EventBus,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    if (!this.commandBus || !this.eventBus) {
      throw new DefinitionError(
        'EventlineModule needs the CommandBus and EventBus of @nestjs/cqrs: add CqrsModule.forRoot() to your imports.',
      );
    }
    for (const feature of this.explorer.explore()) {
      feature.upcasters.forEach((u) => this.store.registerUpcaster(u));
      feature.types.forEach((t) => this.store.register(t));
    }
    await this.store.provisionTopics([this.idempotency.topicSpec()]);
    const eventBus = this.eventBus;
    this.store.publisher = (events) => events.forEach((e) => publishInItsContext(eventBus, e));
    installCommandPipeline(this.commandBus, this.pipeline);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!isEventLog(this.options.engine)) await this.log.close();
  }
}

// Reactions run in the event's context, so commands they dispatch carry its correlation and have it as cause.
function publishInItsContext(eventBus: EventBus, { event, metadata }: EventEnvelope): void {
  MessageContexts.run(
    {
      messageId: metadata.eventId,
      correlationId: metadata.correlationId,
      causationId: metadata.causationId,
      headers: metadata.headers,
    },
    () => eventBus.publish(event),
  );
}
