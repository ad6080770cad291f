import { ConflictError, DomainError, NotFoundError, ValidationError } from './error-kinds';
import { EventlineError } from './eventline-error';

/** A constraint found by class-validator, flattened: `property` is a dotted path into the command. */
export interface ConstraintViolation {
  readonly property: string;
  readonly value: unknown;
  /** class-validator constraint name → message, e.g. `{ isPositive: 'amount must be a positive number' }`. */
  readonly constraints: Readonly<Record<string, string>>;
}

/** A command failed class-validator: its handler did not run and nothing was appended. */
export class CommandValidationError extends ValidationError {
  constructor(
    readonly command: string,
    readonly violations: readonly ConstraintViolation[],
  ) {
    const summary = violations.flatMap((v) => Object.values(v.constraints)).join('; ');
    super(`${command} is invalid: ${summary}. Fix the input and send it again.`, { command, violations });
  }
}

/** The same idempotency key came with a different command payload: a client bug, never retried. */
export class IdempotencyKeyReusedError extends DomainError {
  constructor(key: string, command: string) {
    super(
      'IDEMPOTENCY_KEY_REUSED',
      `Idempotency key "${key}" was already used for a different ${command} payload. Use a new key for a new request.`,
      { idempotencyKey: key, command },
    );
  }
}

/** A command's outcome cannot be recorded for replay: its handler result is not JSON. */
export class UnserializableResultError extends ValidationError {
  constructor(command: string, reason: string) {
    super(
      `${command} returned a result that cannot be stored for idempotent replay (${reason}). Return plain JSON data.`,
      { command, reason },
      'RESULT_NOT_SERIALIZABLE',
    );
  }
}

export class AggregateNotFoundError extends NotFoundError {
  constructor(aggregate: string, id: string) {
    super(
      `${aggregate} "${id}" does not exist. Check the id, or create it first.`,
      { aggregate, id },
      'AGGREGATE_NOT_FOUND',
    );
  }
}

/** An aggregate with this id exists already (its stream is not empty) when the caller created a new one. */
export class AggregateAlreadyExistsError extends ConflictError {
  constructor(aggregate: string, id: string) {
    super(
      'AGGREGATE_ALREADY_EXISTS',
      `${aggregate} "${id}" already exists. Load it instead of creating it.`,
      {
        aggregate,
        id,
      },
    );
  }
}

/** A programming error in how events, aggregates or upcasters are declared; found at bootstrap or first use. */
export class DefinitionError extends EventlineError {
  readonly kind = 'internal' as const;
  constructor(message: string, details?: Record<string, unknown>) {
    super('INVALID_DEFINITION', message, details);
  }
}

/** A record names an event type no registered class has. */
export class UnknownEventTypeError extends EventlineError {
  readonly kind = 'internal' as const;
  constructor(type: string, known: readonly string[]) {
    super(
      'UNKNOWN_EVENT_TYPE',
      `No event class is registered for type "${type}". Register it (an @Evolve handler or EventlineModule.forFeature([...])) or add an upcaster that renames it. Known: ${known.join(', ') || 'none'}.`,
      { type, known },
    );
  }
}

/** A stored event is at a schema version no upcaster chain leads from. */
export class MissingUpcasterError extends EventlineError {
  readonly kind = 'internal' as const;
  constructor(type: string, fromVersion: number, toVersion: number) {
    super(
      'MISSING_UPCASTER',
      `"${type}" v${fromVersion} cannot be read as v${toVersion}: no upcaster from v${fromVersion}. Register one that turns v${fromVersion} into v${fromVersion + 1}.`,
      { type, fromVersion, toVersion },
    );
  }
}
