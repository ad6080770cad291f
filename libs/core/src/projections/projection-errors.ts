import { ConflictError, NotFoundError, UnavailableError } from '../errors';

/** waitFor gave up: the projection had not passed the positions within the timeout. */
export class ProjectionWaitTimeoutError extends UnavailableError {
  constructor(projection: string, timeoutMs: number, pending: readonly string[]) {
    super(
      `Projection "${projection}" did not reach ${pending.join(', ')} within ${timeoutMs} ms. It may be lagging, stopped or failed: check its status().`,
      { projection, timeoutMs, pending },
      'PROJECTION_WAIT_TIMEOUT',
    );
  }
}

/** A checkpoint was written by another version of the projection: the read model must be rebuilt first. */
export class ProjectionVersionMismatchError extends ConflictError {
  constructor(projection: string, stored: number, current: number) {
    super(
      'PROJECTION_VERSION_MISMATCH',
      `Projection "${projection}" is at version ${current}, but its checkpoints were written by version ${stored}. Rebuild the read model (not yet automated) or restore the old version.`,
      { projection, stored, current },
    );
  }
}

/** No projection of that name is registered in this application. */
export class ProjectionNotFoundError extends NotFoundError {
  constructor(name: string, known: readonly string[]) {
    super(
      `No projection "${name}" is registered. Known: ${known.join(', ') || 'none'}. Register it with EventlineModule.forFeature({ projections: [...] }).`,
      { projection: name, known },
      'PROJECTION_NOT_FOUND',
    );
  }
}
