import { mkdirSync } from 'fs';
import { dirname } from 'path';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { EventlineModule } from '@eventline/core';
import { AccountsModule } from './accounts/accounts.module';
import { BankConfig } from './config';
import { engineFor } from './engine';
import { ErrorBodyFilter } from './http/error-body.filter';
import { OperationsModule } from './operations/operations.module';
import { readModelDatabaseFor } from './read-models/read-model-database';
import { ReportingModule } from './reporting/reporting.module';
import { TransfersModule } from './transfers/transfers.module';

/** The whole service: the Eventline write side, the accounts and transfers features, one error filter. */
@Module({})
export class BankModule {
  static forRoot(config: BankConfig): DynamicModule {
    if (config.engine === 'sqlite') mkdirSync(dirname(config.sqliteFile), { recursive: true });
    return {
      module: BankModule,
      imports: [
        CqrsModule.forRoot(),
        EventlineModule.forRoot({
          engine: engineFor(config),
          // A command that loses a race on an account is re-run on fresh state; 409 only after that.
          concurrencyRetries: config.concurrencyRetries,
          // Commands are built from request bodies: a field no command declares is an error.
          validator: { forbidUnknownValues: false, whitelist: true, forbidNonWhitelisted: true },
          // Where projections write; they (read models, the transfer process) start with the application.
          readModels: readModelDatabaseFor(config),
        }),
        AccountsModule,
        TransfersModule,
        ReportingModule,
        OperationsModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ErrorBodyFilter }],
    };
  }
}
