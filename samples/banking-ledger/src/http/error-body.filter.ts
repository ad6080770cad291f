import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { EventlineError } from '@eventline/core';

/** The one error shape of the API: `{ statusCode, code, message, details? }`, never a stack trace. */
export interface ErrorBody {
  readonly statusCode: number;
  readonly code: string;
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

const STATUS_BY_KIND: Record<EventlineError['kind'], number> = {
  validation: 400,
  not_found: 404,
  conflict: 409,
  domain: 422,
  unavailable: 503,
  internal: 500,
};

// The API's one code for these kinds (whatever the layer that found the problem); conflicts
// (CONCURRENCY_CONFLICT, ...) and domain refusals (INSUFFICIENT_FUNDS, ...) keep their own.
const CODE_BY_KIND: Partial<Record<EventlineError['kind'], string>> = {
  validation: 'VALIDATION_FAILED',
  not_found: 'NOT_FOUND',
};

const CODE_BY_STATUS: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * Maps every error to the API's error body, once, for all routes: Eventline errors by kind,
 * Nest/Fastify HTTP errors (bad JSON, body too large, unknown route) by status, anything else to
 * a 500 whose details stay in the server log.
 */
@Catch()
export class ErrorBodyFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const body = this.toBody(error);
    host
      .switchToHttp()
      .getResponse<{ status(code: number): { send(body: unknown): void } }>()
      .status(body.statusCode)
      .send(body);
  }

  private toBody(error: unknown): ErrorBody {
    if (error instanceof EventlineError) {
      const statusCode = STATUS_BY_KIND[error.kind];
      if (statusCode === 500) return this.internal(error);
      return {
        statusCode,
        code: CODE_BY_KIND[error.kind] ?? error.code,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
      };
    }
    if (error instanceof HttpException && error.getStatus() < 500) {
      const statusCode = error.getStatus();
      return {
        statusCode,
        code: CODE_BY_STATUS[statusCode] ?? HttpStatus[statusCode] ?? 'HTTP_ERROR',
        message: error.message,
      };
    }
    return this.internal(error);
  }

  private internal(error: unknown): ErrorBody {
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return {
      statusCode: 500,
      code: 'INTERNAL',
      message: 'The server failed to handle the request. It has been logged.',
    };
  }
}
