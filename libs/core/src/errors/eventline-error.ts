/**
 * What kind of failure an error is. One HTTP exception filter maps kinds to status codes
 * (validation → 400, not_found → 404, conflict → 409, domain → 422, unavailable → 503).
 */
export type ErrorKind = 'validation' | 'not_found' | 'conflict' | 'domain' | 'unavailable' | 'internal';

/**
 * Root of every error Eventline throws. `code` is stable and machine-readable; `message`
 * says what was wrong and what to do; `details` carries structured context.
 *
 * @example
 * try { await log.append(req) } catch (e) { if (e instanceof EventlineError && e.code === 'CONCURRENCY_CONFLICT') retry() }
 */
export abstract class EventlineError extends Error {
  abstract readonly kind: ErrorKind;

  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toJSON(): { code: string; message: string; details?: Record<string, unknown> } {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}
