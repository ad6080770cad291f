import * as path from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { ProjectionRunner } from '@eventline/core';
import { SqliteEventLog } from '@eventline/sqlite';
import {
  ProjectionCheckpointEntity,
  ProjectionParkedEventEntity,
  TypeOrmReadModelStore,
} from '@eventline/typeorm';
import { quantile } from '../stats';
import { BenchSize } from '../types';
import {
  BufferedReplayBalances,
  ledgerHistory,
  REPLAY_PARTITIONS,
  REPLAY_TOPIC,
  ReplayBalance,
  replaySerializer,
} from './replay-ledger';

/** How long the steady load runs, and how many one-record appends are in flight at once. */
const DURATION_MS: Record<BenchSize, number> = { tiny: 500, quick: 2_000, full: 15_000 };
const PRODUCERS = 16;
const PROBE_EVERY_MS = 50;

export interface LagResult {
  readonly appendedPerSec: number;
  /** Records appended but not yet in the read model, sampled every 10 ms. */
  readonly lagP50: number;
  readonly lagP99: number;
  readonly lagMax: number;
  /** From an append's acknowledgement until waitFor saw it in the read model. */
  readonly readYourWritesP50Ms: number;
  readonly readYourWritesP99Ms: number;
}

/**
 * Steady state: PRODUCERS concurrent one-record appends (the shape of the command benchmark's load
 * on the log) while a ProjectionRunner follows into a SQLite read model in the same process.
 */
export async function measureCatchUpLag(size: BenchSize, dir: string): Promise<LagResult> {
  const log = SqliteEventLog.open({ file: path.join(dir, 'lag-log.db') });
  await log.createTopics([{ name: REPLAY_TOPIC, partitions: REPLAY_PARTITIONS }]);
  const dataSource = await new DataSource({
    type: 'better-sqlite3',
    database: path.join(dir, 'lag-read.db'),
    enableWAL: true,
    entities: [ProjectionCheckpointEntity, ProjectionParkedEventEntity, ReplayBalance],
    synchronize: true,
  } as DataSourceOptions).initialize();
  const store = new TypeOrmReadModelStore(dataSource);
  const runner = new ProjectionRunner({
    projection: new BufferedReplayBalances(),
    log,
    store,
    serializer: replaySerializer,
    batchSize: 500,
  });
  await runner.start();

  const history = ledgerHistory(Number.MAX_SAFE_INTEGER, 10_000, 1);
  const deadline = Date.now() + DURATION_MS[size];
  let appended = 0;
  const lags: number[] = [];
  const latencies: number[] = [];
  const producer = async (): Promise<void> => {
    while (Date.now() < deadline) {
      await log.append({ records: history.next().value!.records });
      appended += 1;
    }
  };
  const sampler = async (): Promise<void> => {
    while (Date.now() < deadline) {
      const status = await runner.status();
      lags.push(status.lag);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const prober = async (): Promise<void> => {
    while (Date.now() < deadline) {
      const { records } = await log.append({ records: history.next().value!.records });
      appended += 1;
      const start = process.hrtime.bigint();
      await runner.waitFor(records, 60_000);
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
    }
  };
  const started = Date.now();
  await Promise.all([...Array.from({ length: PRODUCERS }, producer), sampler(), prober()]);
  const seconds = (Date.now() - started) / 1000;
  await runner.stop();
  await dataSource.destroy();
  await log.close();

  const sortedLags = [...lags].sort((a, b) => a - b);
  const sortedLatencies = [...latencies].sort((a, b) => a - b);
  return {
    appendedPerSec: appended / seconds,
    lagP50: quantile(sortedLags, 0.5),
    lagP99: quantile(sortedLags, 0.99),
    lagMax: sortedLags[sortedLags.length - 1] ?? 0,
    readYourWritesP50Ms: quantile(sortedLatencies, 0.5),
    readYourWritesP99Ms: quantile(sortedLatencies, 0.99),
  };
}
