import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ValidationError } from '@eventline/core';

const VISIBLE_ASCII = /^[\x21-\x7e]{1,200}$/;

/**
 * The request's `Idempotency-Key` header (undefined when absent). Client keys have no spaces; the
 * transfer process's own keys do, so the two can never collide.
 *
 * @example
 * async deposit(@Body() body: unknown, @IdempotencyKey() idempotencyKey?: string) {}
 */
export const IdempotencyKey = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string | undefined => {
    const header = ctx.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers[
      'idempotency-key'
    ];
    if (header === undefined) return undefined;
    if (typeof header !== 'string' || !VISIBLE_ASCII.test(header)) {
      throw new ValidationError('Idempotency-Key must be 1 to 200 visible ASCII characters.', {
        header: 'Idempotency-Key',
      });
    }
    return header;
  },
);
