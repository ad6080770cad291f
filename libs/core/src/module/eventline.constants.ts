/** Injection token of the EventLog the module opened from its engine. */
export const EVENT_LOG = Symbol('EVENTLINE_EVENT_LOG');

/** Injection token of an aggregate's repository: `@Inject(getRepositoryToken(Account))` or `@InjectRepository(Account)`. */
export function getRepositoryToken(aggregate: { name: string }): string {
  return `${aggregate.name}EventlineRepository`;
}

/**
 * Injection token of the ReadModelStore opened from `forRoot({ readModels })` (null without one).
 * Adapters build on it: `@eventline/typeorm` turns it into injectable repositories of read models.
 */
export const READ_MODEL_STORE = Symbol('EVENTLINE_READ_MODEL_STORE');
