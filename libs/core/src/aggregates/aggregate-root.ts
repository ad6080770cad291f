import { deepFreeze } from '../events/deep-freeze';
import { eventDefinitionOf, EventClass } from '../events/event-class';
import { RecordHeaders } from '../log/record';
import { evolveHandlersOf } from './evolve-handlers';
import { assignOwnProperties } from '../serialization/assign-own-properties';

/** An event recorded by an aggregate and not yet saved. */
export interface PendingEvent {
  readonly event: object;
  readonly headers: RecordHeaders;
}

interface RootState {
  persistedVersion: number;
  pending: PendingEvent[];
}

// Framework state lives outside the instance so that snapshots (own enumerable fields) hold only domain state.
const states = new WeakMap<AggregateRoot, RootState>();

function stateOf(aggregate: AggregateRoot): RootState {
  let state = states.get(aggregate);
  if (!state) states.set(aggregate, (state = { persistedVersion: 0, pending: [] }));
  return state;
}

/**
 * Base class of event-sourced aggregates. Public methods decide and `record` events; `@Evolve`
 * handlers change state from events. The constructor must accept the id as its only argument.
 *
 * @example
 * @Aggregate('account')
 * export class Account extends AggregateRoot {
 *   balance = 0;
 *   deposit(amount: number) { this.record(new Deposited(this.id, amount)); }
 *   @Evolve(Deposited) private onDeposited(e: Deposited) { this.balance += e.amount; }
 * }
 */
export abstract class AggregateRoot {
  constructor(readonly id: string) {}

  /** Version including recorded but unsaved events (0 = nothing ever happened). */
  get version(): number {
    const state = stateOf(this);
    return state.persistedVersion + state.pending.length;
  }

  /** Events recorded since the aggregate was loaded or last saved. */
  get uncommittedEvents(): readonly object[] {
    return stateOf(this).pending.map((p) => p.event);
  }

  /**
   * The state stored in `<aggregate>.state`. Default: the own enumerable fields as JSON.
   * Override together with `restore` for fields that are not plain JSON (Map, Date, class instances).
   */
  snapshot(): unknown {
    return JSON.parse(JSON.stringify({ ...this }));
  }

  /** Puts snapshot state (from `snapshot()`) back into a fresh instance. */
  restore(state: unknown): void {
    assignOwnProperties(this, state);
  }

  /** Records a new event: freezes it, evolves state through its @Evolve handler, and queues it for save. */
  protected record(event: object, options: { headers?: RecordHeaders } = {}): void {
    eventDefinitionOf(event.constructor as EventClass);
    deepFreeze(event);
    applyEvent(this, event);
    stateOf(this).pending.push({ event, headers: options.headers ?? {} });
  }
}

/** Evolves state from an event, through its @Evolve handler if the aggregate has one. */
export function applyEvent(aggregate: AggregateRoot, event: object): void {
  const method = evolveHandlersOf(aggregate.constructor as EventClass).get(event.constructor as EventClass);
  if (method === undefined) return;
  (aggregate as unknown as Record<string | symbol, (e: object) => void>)[method](event);
}

/** Framework access to an aggregate's bookkeeping; not for application code. */
export const AggregateInternals = Object.freeze({
  /** Replays a stored event: evolves state and advances the persisted version. */
  replay(aggregate: AggregateRoot, event: object, version: number): void {
    applyEvent(aggregate, event);
    stateOf(aggregate).persistedVersion = version;
  },
  setPersistedVersion(aggregate: AggregateRoot, version: number): void {
    stateOf(aggregate).persistedVersion = version;
  },
  persistedVersion(aggregate: AggregateRoot): number {
    return stateOf(aggregate).persistedVersion;
  },
  /** `snapshot()` as JSON: the default snapshot() (a JSON round trip) is stringified once, not three times. */
  snapshotJson(aggregate: AggregateRoot): string {
    return aggregate.snapshot === AggregateRoot.prototype.snapshot
      ? JSON.stringify({ ...aggregate })
      : JSON.stringify(aggregate.snapshot());
  },
  /** Takes the pending events out and counts them as persisted. */
  drain(aggregate: AggregateRoot): PendingEvent[] {
    const state = stateOf(aggregate);
    const pending = state.pending;
    state.pending = [];
    state.persistedVersion += pending.length;
    return pending;
  },
});
