import { EventlineError } from './eventline-error';

/** Bad input: nothing was written. */
export class ValidationError extends EventlineError {
  readonly kind = 'validation' as const;
  constructor(message: string, details?: Record<string, unknown>, code = 'VALIDATION_FAILED') {
    super(code, message, details);
  }
}

/** The thing named does not exist. */
export class NotFoundError extends EventlineError {
  readonly kind = 'not_found' as const;
  constructor(message: string, details?: Record<string, unknown>, code = 'NOT_FOUND') {
    super(code, message, details);
  }
}

/** A race was lost or a fence was hit: retry on fresh state. */
export class ConflictError extends EventlineError {
  readonly kind = 'conflict' as const;
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}

/** A business rule refused the command (e.g. INSUFFICIENT_FUNDS). Codes are chosen by the domain. */
export class DomainError extends EventlineError {
  readonly kind = 'domain' as const;
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}

/** The backend (database file, broker) cannot serve now; the outcome of the call is unknown or nothing happened. */
export class UnavailableError extends EventlineError {
  readonly kind = 'unavailable' as const;
  constructor(message: string, details?: Record<string, unknown>, code = 'BACKEND_UNAVAILABLE') {
    super(code, message, details);
  }
}
