import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable } from 'rxjs';
import { Projections } from '@eventline/core';

const READS_PROJECTION = 'banking-ledger:reads-projection';

/** How long a GET waits for `X-Consistent-With` before answering 503 PROJECTION_WAIT_TIMEOUT. */
export const CONSISTENCY_WAIT_MS = 5_000;

/**
 * Read-your-writes for a GET that reads `projection`: when the request carries
 * `X-Consistent-With: <position>` (the `position` of an earlier POST), the handler runs only once
 * the projection has applied everything up to that position.
 *
 * @example
 * @Get(':id') @ConsistentRead('accounts') get(@Param('id') id: string) {}
 */
export const ConsistentRead = (projection: string): MethodDecorator =>
  applyDecorators(SetMetadata(READS_PROJECTION, projection), UseInterceptors(ConsistentReadInterceptor));

@Injectable()
export class ConsistentReadInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly projections: Projections,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const projection = this.reflector.get<string>(READS_PROJECTION, context.getHandler());
    const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
    const position = request.headers['x-consistent-with'];
    if (typeof position === 'string' && position !== '') {
      await this.projections.waitFor(projection, position, CONSISTENCY_WAIT_MS);
    }
    return next.handle();
  }
}
