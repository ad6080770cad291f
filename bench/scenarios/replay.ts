import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { ProjectionRebuild, ProjectionRunner } from '@eventline/core';
import { SqliteEventLog } from '@eventline/sqlite';
import {
  ProjectionCheckpointEntity,
  ProjectionParkedEventEntity,
  TypeOrmReadModelStore,
} from '@eventline/typeorm';
import { registerScenario } from '../registry';
import { timeVariants, Variant } from '../measure';
import { formatCount, formatStats, summarize } from '../stats';
import { BenchSize, ResultRow, Scenario, ScenarioContext, ScenarioResult } from '../types';
import { createDatabase, dropDatabase, PG_ADMIN_URL, postgresAvailable } from './peers-postgres';
import { measureCatchUpLag } from './replay-lag';
import {
  BufferedReplayBalances,
  ledgerHistory,
  REPLAY_PARTITIONS,
  REPLAY_TOPIC,
  ReplayBalance,
  ReplayBalances,
  replaySerializer,
} from './replay-ledger';

/**
 * Replay: a ledger history already in the SQLite log folded from offset 0 into an empty read model,
 * as a rebuild does it (ProjectionRebuild: shadow tables, batches of 2000, switch-over) and as a
 * fresh ProjectionRunner catches up (batches of 2000). SQLite and PostgreSQL read models.
 * Targets (issue 4): SQLite ≥ 100k events/s, PostgreSQL ≥ 30k events/s.
 */

const SIZES: Record<BenchSize, { events: number; accounts: number }> = {
  tiny: { events: 2_000, accounts: 100 },
  quick: { events: 20_000, accounts: 1_000 },
  full: { events: 1_000_000, accounts: 10_000 },
};
const BATCH = 2_000;
const TARGETS: Record<string, number> = { sqlite: 100_000, postgres: 30_000 };

interface ReadModelDb {
  readonly options: DataSourceOptions;
  drop(): Promise<void>;
}

type Backend = 'sqlite' | 'postgres';
type Mode = 'rebuild' | 'catch-up' | 'rebuild-per-event';

async function freshReadModel(backend: Backend, dir: string, n: number): Promise<ReadModelDb> {
  if (backend === 'sqlite') {
    const file = path.join(dir, `read-${n}.db`);
    return {
      options: { type: 'better-sqlite3', database: file, enableWAL: true },
      drop: async () => {
        for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
      },
    };
  }
  const name = `eventline_bench_replay_${process.pid}_${n}`;
  const url = await createDatabase(name);
  return { options: { type: 'postgres', url }, drop: () => dropDatabase(name) };
}

async function openStore(db: ReadModelDb): Promise<TypeOrmReadModelStore> {
  const dataSource = await new DataSource({
    ...db.options,
    entities: [ProjectionCheckpointEntity, ProjectionParkedEventEntity, ReplayBalance],
    synchronize: true,
  } as DataSourceOptions).initialize();
  return new TypeOrmReadModelStore(dataSource);
}

async function replayScenario(context: ScenarioContext): Promise<ScenarioResult> {
  const { events, accounts } = SIZES[context.size];
  const log = SqliteEventLog.open({ file: path.join(context.tmpDir, 'log.db') });
  await log.createTopics([{ name: REPLAY_TOPIC, partitions: REPLAY_PARTITIONS }]);
  context.progress(`replay · writing ${formatCount(events)} ledger events to the log`);
  let net = 0;
  for (const chunk of ledgerHistory(events, accounts, 1_000)) {
    await log.append({ records: chunk.records });
    net += chunk.net;
  }

  const backends: Backend[] = ['sqlite'];
  if (await postgresAvailable()) backends.push('postgres');
  let n = 0;
  const variants: Variant[] = backends.flatMap((backend) =>
    (backend === 'sqlite' ? ['rebuild', 'catch-up', 'rebuild-per-event'] : ['rebuild', 'catch-up']).map(
      (mode) => ({
        name: `${backend}/${mode}`,
        async prepare() {
          const db = await freshReadModel(backend, context.tmpDir, (n += 1));
          const store = await openStore(db);
          const projection =
            mode === 'rebuild-per-event' ? new ReplayBalances() : new BufferedReplayBalances();
          let runner: ProjectionRunner | undefined;
          return {
            async run() {
              if (mode !== 'catch-up') {
                await new ProjectionRebuild({
                  projection,
                  log,
                  store,
                  serializer: replaySerializer,
                  batchSize: BATCH,
                }).run();
              } else {
                runner = new ProjectionRunner({
                  projection,
                  log,
                  store,
                  serializer: replaySerializer,
                  batchSize: BATCH,
                  maxWaitMs: 20,
                });
                await runner.start();
                const ends = await log.offsets(REPLAY_TOPIC);
                await runner.waitFor(
                  ends.filter((o) => o.endOffset > 0).map((o) => ({ ...o, offset: o.endOffset - 1 })),
                  3_600_000,
                );
              }
            },
            async dispose() {
              await runner?.stop();
              const [totals] = await store.dataSource.query(
                `SELECT COALESCE(SUM(balance), 0) AS balance, COALESCE(SUM(events), 0) AS events FROM ${store.dataSource.getMetadata(ReplayBalance).tablePath}`,
              );
              await store.dataSource.destroy();
              await db.drop();
              if (Number(totals.events) !== events || Number(totals.balance) !== net) {
                throw new Error(
                  `replay ${backend}/${mode}: read model holds ${totals.events} events, balance ${totals.balance}; the history has ${events}, ${net}`,
                );
              }
            },
          };
        },
      }),
    ),
  );
  // A full replay of 1M events takes seconds to minutes per run: three timed runs, no warm-up.
  const timing =
    context.size === 'full'
      ? { ...context, repetitions: Math.min(3, context.repetitions), warmups: 0 }
      : context;
  const seconds = await timeVariants(timing, 'replay', variants);
  await log.close();
  context.progress('replay · steady-state catch-up lag under a one-record-append load');
  const lag = await measureCatchUpLag(context.size, context.tmpDir);

  const rows: ResultRow[] = variants.map((variant) => {
    const [backend, mode] = variant.name.split('/') as [Backend, Mode];
    const rate = summarize(
      seconds.get(variant.name)!.map((s) => events / s),
      'events/s',
    );
    return {
      id: `replay/${variant.name}`,
      params: { backend, mode, events, accounts, batch: BATCH },
      metrics: { eventsPerSec: rate },
      derived: { targetRatio: rate.median / TARGETS[backend] },
    };
  });
  rows.push({
    id: 'lag/sqlite/steady',
    params: { backend: 'sqlite', mode: 'steady-lag', producers: 16 },
    metrics: {},
    derived: { ...lag },
  });
  return {
    scenario: 'replay',
    title: `Replay of ${formatCount(events)} ledger events into an empty read model`,
    rows,
    table: {
      headers: ['read model', 'how', 'events/s (median, min–max)', 'target', 'median / target'],
      rows: rows
        .filter((r) => r.params.mode !== 'steady-lag')
        .map((r) => [
          String(r.params.backend),
          String(r.params.mode),
          formatStats(r.metrics.eventsPerSec),
          formatCount(TARGETS[String(r.params.backend)]),
          r.derived.targetRatio.toFixed(2),
        ]),
    },
    notes: [
      `History: ${formatCount(events)} events (60% deposits, 40% withdrawals) over ${formatCount(accounts)} accounts in ${REPLAY_PARTITIONS} partitions of the SQLite log, written before timing.`,
      `rebuild = ProjectionRebuild (shadow tables, ${BATCH} records per transaction, atomic switch-over); catch-up = a fresh ProjectionRunner (${BATCH} per batch) until its checkpoints reach the log end.`,
      'Projection (rebuild, catch-up): deltas per account folded in a per-batch buffer (ctx.buffer) and flushed as multi-row upserts before the checkpoint; rebuild-per-event: one upsert statement per event through ctx.manager.query. Every run is checked against the fold of the history.',
      `Steady state (SQLite log and read model, one process): 16 concurrent one-record appends (${formatCount(lag.appendedPerSec)} appends/s) while a ProjectionRunner follows — lag p50 ${formatCount(lag.lagP50)} / p99 ${formatCount(lag.lagP99)} / max ${formatCount(lag.lagMax)} records; read-your-writes (append acknowledged → waitFor resolved) p50 ${lag.readYourWritesP50Ms.toFixed(1)} ms / p99 ${lag.readYourWritesP99Ms.toFixed(1)} ms.`,
      `PostgreSQL: ${backends.includes('postgres') ? `a fresh database per run at ${new URL(PG_ADMIN_URL).host}` : 'not reachable, skipped'}.`,
    ],
    facts: { events, accounts, batch: BATCH, partitions: REPLAY_PARTITIONS },
  };
}

export const replay: Scenario = {
  name: 'replay',
  description:
    'replay throughput of a ledger history into SQLite and PostgreSQL read models (rebuild and catch-up)',
  run: replayScenario,
};

registerScenario(replay);
