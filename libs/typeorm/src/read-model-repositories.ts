import { DynamicModule, Inject, Module, Provider } from '@nestjs/common';
import { DefinitionError, READ_MODEL_STORE, ReadModelStore } from '@eventline/core';
import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { TypeOrmReadModelStore } from './typeorm-read-model-store';

/** Injection token of the read-model DataSource: `@InjectReadModelDataSource()`. */
export const READ_MODEL_DATA_SOURCE = Symbol('EVENTLINE_READ_MODEL_DATA_SOURCE');

/** Injection token of a read model's TypeORM repository. */
export function getReadModelRepositoryToken(entity: { name: string }): string {
  return `${entity.name}ReadModelRepository`;
}

/** Injects the Repository of a read model registered with `TypeOrmReadModelsModule.forFeature`. */
export const InjectReadModelRepository = (entity: { name: string }): ParameterDecorator & PropertyDecorator =>
  Inject(getReadModelRepositoryToken(entity));

/** Injects the read-model DataSource (for query builders and raw SQL in query handlers). */
export const InjectReadModelDataSource = (): ParameterDecorator & PropertyDecorator =>
  Inject(READ_MODEL_DATA_SOURCE);

/**
 * Repositories of read models for the query side, like TypeOrmModule.forFeature: the DataSource is
 * the one `EventlineModule.forRoot({ readModels: typeOrmReadModels(...) })` opened. Read through
 * them; only projections write.
 *
 * @example
 * @Module({ imports: [TypeOrmReadModelsModule.forFeature([AccountBalance])], providers: [GetBalanceHandler] })
 * // constructor(@InjectReadModelRepository(AccountBalance) private readonly balances: Repository<AccountBalance>) {}
 */
@Module({})
export class TypeOrmReadModelsModule {
  static forFeature(entities: readonly EntityTarget<ObjectLiteral>[] = []): DynamicModule {
    const dataSource: Provider = {
      provide: READ_MODEL_DATA_SOURCE,
      useFactory: (store: ReadModelStore | null) => dataSourceOf(store),
      inject: [READ_MODEL_STORE],
    };
    const repositories: Provider[] = entities.map((entity) => ({
      provide: getReadModelRepositoryToken(entity as { name: string }),
      useFactory: (source: DataSource) => source.getRepository(entity),
      inject: [READ_MODEL_DATA_SOURCE],
    }));
    return {
      module: TypeOrmReadModelsModule,
      providers: [dataSource, ...repositories],
      exports: [dataSource, ...repositories],
    };
  }
}

function dataSourceOf(store: ReadModelStore | null): DataSource {
  if (store instanceof TypeOrmReadModelStore) return store.dataSource;
  throw new DefinitionError(
    'No TypeORM read-model database: pass readModels: typeOrmReadModels({ ... }) to EventlineModule.forRoot.',
  );
}
