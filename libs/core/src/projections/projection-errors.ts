import { ConflictError, EventlineError, NotFoundError, UnavailableError, ValidationError } from '../errors';
import { RecordPosition } from '../log/record';

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
      `Projection "${projection}" is at version ${current}, but its checkpoints were written by version ${stored}. Rebuild the read model (Projections.rebuild, automatic on start-up under EventlineModule) or restore the old version.`,
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

/** Another process is rebuilding this projection; this one waits for its switch-over. */
export class RebuildInProgressError extends ConflictError {
  constructor(projection: string, sinceMs: number) {
    super(
      'REBUILD_IN_PROGRESS',
      `Projection "${projection}" is being rebuilt by another process (last sign of life ${sinceMs} ms ago). Wait for it to switch over.`,
      { projection, sinceMs },
    );
  }
}

/** The projection or its store cannot be rebuilt into shadow tables. */
export class RebuildNotSupportedError extends ValidationError {
  constructor(projection: string, reason: string) {
    super(`Projection "${projection}" cannot be rebuilt: ${reason}`, { projection }, 'REBUILD_NOT_SUPPORTED');
  }
}

/** A projection handler threw on one record; `cause` is what it threw. */
export class ProjectionHandlerError extends EventlineError {
  readonly kind = 'internal' as const;
  constructor(
    projection: string,
    readonly position: RecordPosition & { readonly key: string | null },
    type: string,
    override readonly cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      'PROJECTION_HANDLER_FAILED',
      `Projection "${projection}" failed on ${type} at ${position.topic}:${position.partition}@${position.offset} (key ${position.key ?? 'none'}): ${reason}. Fix the handler and restart, or configure poison: 'park' to set such events aside.`,
      { projection, ...position, type, cause: reason },
    );
  }
}

/** retryParked/skipParked named nothing that is parked. */
export class NothingParkedError extends NotFoundError {
  constructor(projection: string, what: string) {
    super(
      `Projection "${projection}" has no parked event ${what}: list them with parked().`,
      { projection, what },
      'NOTHING_PARKED',
    );
  }
}

/**
 * A projection's checkpoint is below its partition's log start: retention deleted records before the
 * projection applied them. Retrying cannot help; the read model misses `gap` offsets of history.
 */
export class ProjectionHistoryGapError extends ConflictError {
  constructor(projection: string, topic: string, partition: number, checkpoint: number, beginOffset: number) {
    const gap = beginOffset - checkpoint;
    super(
      'PROJECTION_HISTORY_GAP',
      `Projection "${projection}" cannot go on in ${topic}:${partition}: its checkpoint is at offset ${checkpoint}, but the log now starts at ${beginOffset} — retention deleted offsets ${checkpoint}–${beginOffset - 1} (${gap}) before they were projected. Rebuild the read model from the records left (Projections.rebuild), or keep history longer (the topic's retentionMs) than the projection may lag.`,
      { projection, topic, partition, checkpoint, beginOffset, gap },
    );
  }
}
