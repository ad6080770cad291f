import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  AppendedRecord,
  EventSerializer,
  EventTypeRegistry,
  ProjectionRunner,
  ProjectionRunnerOptions,
} from '@eventline/core';
import { SqliteEventLog } from '@eventline/sqlite';
import { ProjectionCheckpointEntity, TypeOrmReadModelStore } from '@eventline/typeorm';
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

/** A log file and a read-model file in a fresh temp dir; everything opened is closed by close(). */
export class LedgerFixture {
  readonly dir = mkdtempSync(join(tmpdir(), 'eventline-projections-'));
  readonly log = SqliteEventLog.open({ file: join(this.dir, 'log.db') });
  private readonly dataSources: DataSource[] = [];
  private readonly runners: ProjectionRunner<EntityManager>[] = [];
  private readonly versions = new Map<string, number>();

  async createTopic(partitions = 4): Promise<void> {
    await this.log.createTopics([{ name: LEDGER_TOPIC, partitions }]);
  }

  /** A new connection to the read-model file, as a restarted process would open. */
  async store(): Promise<TypeOrmReadModelStore> {
    const dataSource = await new DataSource({
      type: 'better-sqlite3',
      database: join(this.dir, 'read.db'),
      entities: [ProjectionCheckpointEntity, AccountBalance],
      synchronize: true,
      enableWAL: true,
    }).initialize();
    this.dataSources.push(dataSource);
    return new TypeOrmReadModelStore(dataSource);
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
    rmSync(this.dir, { recursive: true, force: true });
  }
}
