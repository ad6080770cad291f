import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplicationContext, Module, ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { EventlineModule, EventlineModuleOptions } from '@eventline/core';
import { sqliteEngine } from '@eventline/sqlite';
import { typeOrmReadModels, TypeOrmReadModelsModule } from '@eventline/typeorm';
import { BankAccount } from './account';
import { Transfer, transferHandlers } from './transfer';
import { Balances, BalanceView, GetBalanceHandler, OwnerFormatter } from './balances';
import { commandHandlers } from './commands';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'eventline-projections-nest-'));
}

export interface BankAppOptions {
  readonly projections?: ModuleMetadata['providers'];
  readonly providers?: ModuleMetadata['providers'];
  readonly readModels?: boolean;
  readonly settings?: EventlineModuleOptions['projections'];
}

/** The bank as a user writes it: log file + read-model file in `dir`, balances projection, a query handler. */
export async function startBank(dir: string, options: BankAppOptions = {}): Promise<INestApplicationContext> {
  @Module({
    imports: [
      CqrsModule.forRoot(),
      EventlineModule.forRoot({
        engine: sqliteEngine({ file: join(dir, 'log.db') }),
        partitions: 4,
        ...(options.readModels === false
          ? {}
          : {
              readModels: typeOrmReadModels({
                type: 'better-sqlite3',
                database: join(dir, 'read.db'),
                synchronize: true,
              }),
            }),
        projections: { maxWaitMs: 50, heartbeatIntervalMs: 100, retryDelayMs: 10, ...options.settings },
      }),
      EventlineModule.forFeature({ aggregates: [BankAccount, Transfer] }),
      TypeOrmReadModelsModule.forFeature([BalanceView]),
    ],
    providers: [
      OwnerFormatter,
      ...commandHandlers,
      ...transferHandlers,
      GetBalanceHandler,
      ...(options.projections ?? [Balances]),
      ...(options.providers ?? []),
    ],
  })
  class BankModule {}
  const app = await NestFactory.createApplicationContext(BankModule, { logger: false, abortOnError: false });
  await app.init();
  return app;
}
