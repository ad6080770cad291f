import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DataSource, DataSourceOptions } from 'typeorm';
import {
  AppendedRecord,
  EventSerializer,
  EventTypeRegistry,
  ProjectionRunner,
  ProjectionRunnerOptions,
} from '@eventline/core';
import { SqliteEventLog } from '@eventline/sqlite';
import {
  ProjectionCheckpointEntity,
  ProjectionParkedEventEntity,
  TypeOrmReadModelStore,
  TypeOrmReadModelStoreOptions,
} from '@eventline/typeorm';
import { EntityManager } from 'typeorm';
import {
  AccountBalance,
  BalanceRow,
  Balances,
  byId,
  Deposited,
  LEDGER_TOPIC,
  LedgerEvent,
  Noted,
  Opened,
  Withdrawn,
} from './ledger';

export const serializer = new EventSerializer(new EventTypeRegistry([Opened, Deposited, Withdrawn, Noted]));

/** Where the read model lives: SQLite file options by default; `dispose` runs after everything closed. */
export interface ReadModelTarget {
  readonly options: (dir: string) => DataSourceOptions;
  readonly dispose?: () => Promise<void>;
}

const sqliteTarget: ReadModelTarget = {
  options: (dir) => ({ type: 'better-sqlite3', database: join(dir, 'read.db'), enableWAL: true }),
};

/** A log file and a read model (a SQLite file in a fresh temp dir by default); close() closes all. */
export class LedgerFixture {
  readonly dir = mkdtempSync(join(tmpdir(), 'eventline-projections-'));
  readonly log = SqliteEventLog.open({ file: join(this.dir, 'log.db') });
  private readonly dataSources: DataSource[] = [];

  constructor(private readonly target: ReadModelTarget = sqliteTarget) {}
  private readonly runners: ProjectionRunner<EntityManager>[] = [];
  private readonly versions = new Map<string, number>();

  async createTopic(partitions = 4): Promise<void> {
    await this.log.createTopics([{ name: LEDGER_TOPIC, partitions }]);
  }

  /** DataSource options of the read model without entities, e.g. for another process. */
  readModelOptions(): DataSourceOptions {
    return this.target.options(this.dir);
  }

  /** A new connection to the read-model file, as a restarted process would open. */
  async store(options: TypeOrmReadModelStoreOptions = {}): Promise<TypeOrmReadModelStore> {
    const dataSource = await new DataSource({
      ...this.target.options(this.dir),
      entities: [ProjectionCheckpointEntity, ProjectionParkedEventEntity, AccountBalance],
      synchronize: true,
    } as DataSourceOptions).initialize();
    this.dataSources.push(dataSource);
    return new TypeOrmReadModelStore(dataSource, options);
  }

  async runner(
    options: Partial<ProjectionRunnerOptions<EntityManager>> = {},
  ): Promise<ProjectionRunner<EntityManager>> {
    const runner = new ProjectionRunner<EntityManager>({
      projection: new Balances(),
      log: this.log,
      store: options.store ?? (await this.store()),
      serializer,
      maxWaitMs: 50,
      sessionTimeoutMs: 3_000,
      heartbeatIntervalMs: 50,
      retryDelayMs: 10,
      ...options,
    });
    this.runners.push(runner);
    return runner;
  }

  /** Appends events keyed by account, in order, in chunks. */
  async append(events: readonly LedgerEvent[], chunk = 50): Promise<AppendedRecord[]> {
    const appended: AppendedRecord[] = [];
    for (let i = 0; i < events.length; i += chunk) {
      const records = events.slice(i, i + chunk).map((event) => {
        const id = event.accountId;
        const version = (this.versions.get(id) ?? 0) + 1;
        this.versions.set(id, version);
        const serialized = serializer.serialize(event, {
          eventId: randomUUID(),
          type: '',
          schemaVersion: 1,
          aggregate: 'ledger',
          aggregateId: id,
          aggregateVersion: version,
          timestamp: Date.now(),
          correlationId: randomUUID(),
          causationId: null,
          headers: {},
        });
        return { topic: LEDGER_TOPIC, key: id, ...serialized };
      });
      appended.push(...(await this.log.append({ records })).records);
    }
    return appended;
  }

  async readModel(): Promise<BalanceRow[]> {
    const dataSource = this.dataSources[0] ?? (await this.store()).dataSource;
    const rows = await dataSource.getRepository(AccountBalance).find();
    return rows.map(({ id, owner, balance, applied }) => ({ id, owner, balance, applied })).sort(byId);
  }

  async close(): Promise<void> {
    for (const runner of this.runners) await runner.stop();
    for (const dataSource of this.dataSources) if (dataSource.isInitialized) await dataSource.destroy();
    await this.log.close();
    await this.target.dispose?.();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
