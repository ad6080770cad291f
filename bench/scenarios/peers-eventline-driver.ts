/**
 * The Eventline driver of the `peers` scenario (a child process; see peers-protocol.ts):
 * CommandPipeline (validation, unit of work, one atomic append with the expected version) over an
 * EventStore on the embedded SQLite log, and a ProjectionRunner folding `account.events` into a
 * TypeORM read model — on SQLite (backend `sqlite`) or PostgreSQL (backend `postgresql`).
 *
 * Run: node -r ts-node/register/transpile-only -r tsconfig-paths/register peers-eventline-driver.ts <job.json>
 */
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import {
  AggregateRepository,
  CommandPipeline,
  DomainError,
  EventStore,
  IdempotencyStore,
  ProjectionRunner,
  RecordPosition,
} from '@eventline/core';
import { SqliteEventLog } from '@eventline/sqlite';
import { ProjectionCheckpointEntity, TypeOrmReadModelStore } from '@eventline/typeorm';
import { Account, Balances, BalanceRow, Deposit, Transfer, Withdraw } from './peers-eventline-ledger';
import { DriverJob, DriverResult, percentile } from './peers-protocol';
import { LedgerCommand, readWorkload } from './peers-workload';

const SNAPSHOT_EVERY = 100;
// After every import (ts-node's TypeScript compiler included): the floor the run's growth is measured from.
const IDLE_RSS_MIB = process.memoryUsage().rss / 2 ** 20;

async function main(): Promise<void> {
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as DriverJob;
  const workload = readWorkload(job.workloadFile);
  const log = SqliteEventLog.open({ file: path.join(job.dir, 'eventline-log.db') });
  const store = new EventStore({ log, types: [Account], snapshotEvery: SNAPSHOT_EVERY, partitions: 8 });
  const idempotency = new IdempotencyStore(log);
  await store.provisionTopics([idempotency.topicSpec()]);
  const pipeline = new CommandPipeline(store, idempotency);
  const accounts = store.repository(Account);

  const dataSource = await new DataSource(
    job.backend === 'sqlite'
      ? {
          type: 'better-sqlite3',
          database: path.join(job.dir, 'eventline-read.db'),
          entities: [ProjectionCheckpointEntity, BalanceRow],
          synchronize: true,
          enableWAL: true,
        }
      : {
          type: 'postgres',
          url: job.pgUrl,
          entities: [ProjectionCheckpointEntity, BalanceRow],
          synchronize: true,
        },
  ).initialize();
  const runner = new ProjectionRunner<EntityManager>({
    projection: new Balances(job.backend),
    log,
    store: new TypeOrmReadModelStore(dataSource),
    serializer: store.serializer,
  });
  // `"projection": false` in the job measures the write path alone (the scenario's diagnostic row).
  const project = job.projection !== false;
  if (project) await runner.start();

  let rejected = 0;
  let last: readonly RecordPosition[] = [];
  const readYourWrites = project && job.readYourWrites === true;
  const execute = async (c: LedgerCommand): Promise<void> => {
    try {
      const receipt = await pipeline.execute(command(c), () => handle(accounts, c));
      last = receipt.positions;
      if (readYourWrites) await runner.waitFor(receipt.positions, 60_000);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      rejected += 1;
    }
  };

  for (const c of workload.warmup) await execute(c);
  if (project) await runner.waitFor(last, 60_000);
  rejected = 0;

  const latencies: number[] = [];
  const cpuAtStart = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (const c of workload.commands) {
    const t = process.hrtime.bigint();
    await execute(c);
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const commandsSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  // Read-your-writes on the last command's events: the projection has then applied everything before them too.
  if (project) await runner.waitFor(allPartitionsEnd(await log.offsets('account.events')), 600_000);
  const endToEndSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuAtStart);
  const rssMiB = process.memoryUsage().rss / 2 ** 20;

  // What a power loss could cost the read model (the log keeps synchronous=FULL): read back, not assumed.
  const readModelSync =
    job.backend === 'sqlite'
      ? ['OFF', 'NORMAL', 'FULL', 'EXTRA'][
          ((await dataSource.query('PRAGMA synchronous')) as Array<{ synchronous: number }>)[0].synchronous
        ]
      : ((await dataSource.query('SHOW synchronous_commit')) as Array<{ synchronous_commit: string }>)[0]
          .synchronous_commit;
  const [row] = (await dataSource.query(
    `SELECT count(*) AS accounts, coalesce(sum(balance), 0) AS total, coalesce(sum(events), 0) AS events
     FROM bench_balances WHERE id LIKE 'acc-%'`,
  )) as Array<{ accounts: number | string; total: number | string; events: number | string }>;
  await runner.stop();
  await dataSource.destroy();
  await log.close();

  const result: DriverResult = {
    system: 'eventline',
    backend: job.backend,
    commands: workload.commands.length,
    commandsSeconds,
    endToEndSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    latencyMs: {
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      p999: percentile(latencies, 0.999),
    },
    readModel: {
      accounts: Number(row.accounts),
      totalBalance: Number(row.total),
      events: Number(row.events),
    },
    rejected,
    rssMiB,
    idleRssMiB: IDLE_RSS_MIB,
    facts: {
      log: 'SQLite (WAL, synchronous=FULL)',
      readModel:
        job.backend === 'sqlite'
          ? `TypeORM better-sqlite3 (WAL, synchronous=${readModelSync})`
          : `TypeORM postgres (synchronous_commit=${readModelSync})`,
      projection: !project
        ? 'none (write path only)'
        : readYourWrites
          ? 'async ProjectionRunner; each command waits for its events in the read model (waitFor)'
          : 'async ProjectionRunner (consumer group), one read-model transaction per batch',
      snapshotEvery: SNAPSHOT_EVERY,
      transfer: 'one command, two aggregates, one atomic append',
    },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function command(c: LedgerCommand): object {
  if (c.kind === 'deposit') return new Deposit(c.account, c.amount);
  if (c.kind === 'withdraw') return new Withdraw(c.account, c.amount);
  return new Transfer(c.account, c.to, c.amount);
}

async function handle(accounts: AggregateRepository<Account>, c: LedgerCommand): Promise<void> {
  const load = async (id: string) => (await accounts.find(id)) ?? (await accounts.create(id));
  const account = await load(c.account);
  if (c.kind === 'deposit') account.deposit(c.amount);
  else if (c.kind === 'withdraw') account.withdraw(c.amount);
  else {
    account.transferOut(c.to, c.amount);
    const target = await load(c.to);
    target.transferIn(c.account, c.amount);
    await accounts.save(target);
  }
  await accounts.save(account);
}

function allPartitionsEnd(
  offsets: ReadonlyArray<{ topic: string; partition: number; endOffset: number }>,
): RecordPosition[] {
  return offsets
    .filter((o) => o.endOffset > 0)
    .map((o) => ({ topic: o.topic, partition: o.partition, offset: o.endOffset - 1 }));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `eventline driver: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
