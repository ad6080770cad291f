import {
  AggregateClass,
  AggregateInternals,
  AggregateRoot,
  defineAggregate,
  EventSerializer,
  EventTypeRegistry,
  eventDefinitionOf,
  EventClass,
  UpcasterChain,
  Upcaster,
} from '@eventline/core';

/** What `expectEvents` compares: the event's type and its JSON payload, so diffs show names and fields. */
export interface EventShape {
  readonly type: string;
  readonly [field: string]: unknown;
}

export type ExpectedError =
  | (abstract new (...args: never[]) => Error)
  | { code?: string; message?: string | RegExp; [k: string]: unknown };

/**
 * Given/when/then specification of one aggregate, without any log: given past events, when a
 * decision (a method call, or a command handler body), then the recorded events or the error.
 * Events go through the real JSON serializer both ways, so a payload that would not survive the log fails here.
 *
 * @example
 * aggregateFixture(Account)
 *   .given(new Opened('a-1', 'EUR'), new Deposited('a-1', 100))
 *   .when((account) => account.withdraw(30))
 *   .expectEvents(new Withdrawn('a-1', 30));
 */
export function aggregateFixture<T extends AggregateRoot>(
  cls: AggregateClass<T>,
  options: { id?: string; events?: EventClass[]; upcasters?: Upcaster[] } = {},
): AggregateFixture<T> {
  return new AggregateFixture(cls, options.id ?? 'fixture-1', options.events ?? [], options.upcasters ?? []);
}

export class AggregateFixture<T extends AggregateRoot> {
  private readonly serializer: EventSerializer;
  private history: object[] = [];

  constructor(
    private readonly cls: AggregateClass<T>,
    private readonly id: string,
    events: EventClass[],
    upcasters: Upcaster[],
  ) {
    const definition = defineAggregate(cls, { snapshotEvery: 0, partitions: 1 });
    this.serializer = new EventSerializer(
      new EventTypeRegistry([...definition.eventClasses, ...events]),
      new UpcasterChain(upcasters),
    );
  }

  given(...events: object[]): this {
    this.history = events;
    return this;
  }

  /** Runs the decision on the aggregate rebuilt from the given events. */
  when(decide: (aggregate: T) => void | Promise<void>): AggregateOutcome<T> {
    const aggregate = new this.cls(this.id);
    this.history.forEach((event, i) =>
      AggregateInternals.replay(aggregate, this.roundTrip(event, i + 1), i + 1),
    );
    const outcome = (async (): Promise<{ aggregate: T; events?: object[]; error?: unknown }> => {
      try {
        await decide(aggregate);
      } catch (error) {
        return { aggregate, error };
      }
      const recorded = aggregate.uncommittedEvents.map((e, i) =>
        this.roundTrip(e, this.history.length + i + 1),
      );
      return { aggregate, events: recorded };
    })();
    return new AggregateOutcome(outcome, (e) => this.shape(e));
  }

  private roundTrip(event: object, version: number): object {
    const metadata = {
      eventId: `fixture-${version}`,
      type: '',
      schemaVersion: 0,
      aggregate: 'fixture',
      aggregateId: this.id,
      aggregateVersion: version,
      timestamp: 0,
      correlationId: 'fixture',
      causationId: null,
      headers: {},
    };
    const { value, headers } = this.serializer.serialize(event, metadata);
    return this.serializer.deserialize({ value, headers, timestamp: 0, keyVersion: version }).event;
  }

  private shape(event: object): EventShape {
    return {
      type: eventDefinitionOf(event.constructor as EventClass).type,
      ...(JSON.parse(JSON.stringify(event)) as object),
    };
  }
}

export class AggregateOutcome<T extends AggregateRoot> {
  constructor(
    private readonly outcome: Promise<{ aggregate: T; events?: object[]; error?: unknown }>,
    private readonly shape: (event: object) => EventShape,
  ) {}

  /** Expects exactly these events, in order (compared as `{ type, ...payload }`). */
  async expectEvents(...expected: object[]): Promise<T> {
    const { aggregate, events, error } = await this.outcome;
    if (error !== undefined)
      throw new Error(`Expected events, but the decision threw: ${describeError(error)}`, { cause: error });
    expect(events!.map(this.shape)).toEqual(expected.map(this.shape));
    return aggregate;
  }

  /** Expects the decision to throw: an error class, or a partial like `{ code: 'INSUFFICIENT_FUNDS' }`. No event may be recorded. */
  async expectError(expected: ExpectedError): Promise<unknown> {
    const { events, error } = await this.outcome;
    if (error === undefined) {
      throw new Error(
        `Expected an error, but the decision recorded: ${JSON.stringify(events!.map(this.shape), null, 2)}`,
      );
    }
    if (typeof expected === 'function') expect(error).toBeInstanceOf(expected);
    else expect(error).toMatchObject(expected);
    return error;
  }

  /** Inspects the aggregate after a successful decision, e.g. `.expectState((a) => expect(a.balance).toBe(70))`. */
  async expectState(check: (aggregate: T) => void): Promise<void> {
    const { aggregate, error } = await this.outcome;
    if (error !== undefined)
      throw new Error(`Expected a state, but the decision threw: ${describeError(error)}`, { cause: error });
    check(aggregate);
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
