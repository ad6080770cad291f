import { Inject } from '@nestjs/common';
import { getRepositoryToken } from './eventline.constants';

/**
 * Injects the AggregateRepository of an aggregate registered with `EventlineModule.forFeature`.
 *
 * @example
 * constructor(@InjectRepository(Account) private readonly accounts: AggregateRepository<Account>) {}
 */
export const InjectRepository = (aggregate: { name: string }): ParameterDecorator & PropertyDecorator =>
  Inject(getRepositoryToken(aggregate));
