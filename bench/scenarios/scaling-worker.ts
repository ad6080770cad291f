/**
 * The child process of the `scaling` scenario (run with ts-node; job file as the only argument,
 * one JSON result line on stdout). Two jobs:
 * - `size`: append N ledger events to a fresh log (100 per append), then fold them with a
 *   ProjectionRunner into a TypeORM SQLite read model; throughput of both and peak RSS.
 * - `writer`: one of K processes appending to one shared log file: opens the log, prints
 *   `ready`, waits for `go` on stdin, appends its share with 16 concurrent one-record producers.
 * - `consumer`: one of K members of the projection's consumer group, all on one log file and one
 *   read-model file; after `go` it runs a ProjectionRunner until the read-model checkpoints cover every record.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import {
  EventSerializer,
  EventTypeRegistry,
  ProducerRecord,
  ProjectionRunner,
  RecordPosition,
} from '@eventline/core';
import { SqliteEventLog } from '@eventline/sqlite';
import { ProjectionCheckpointEntity, TypeOrmReadModelStore } from '@eventline/typeorm';
import { Balances, BalanceRow, Deposited, Withdrawn } from './peers-eventline-ledger';
import { mulberry32 } from '../zipf';

export const SCALING_TOPIC = 'account.events';
export const SCALING_PARTITIONS = 8;
const ACCOUNTS = 10_000;
const APPEND_BATCH = 100;
const PRODUCERS_PER_PROCESS = 16;

export type ScalingJob =
  | { readonly kind: 'size'; readonly dir: string; readonly events: number; readonly seed: number }
  | {
      readonly kind: 'writer';
      readonly file: string;
      readonly events: number;
      readonly seed: number;
      readonly keyPrefix: string;
    }
  | { readonly kind: 'consumer'; readonly file: string; readonly readFile: string; readonly events: number };

export interface SizeResult {
  readonly events: number;
  readonly appendSeconds: number;
  /** The last tenth of the appends alone: does throughput hold up as the file grows? */
  readonly lastTenthAppendSeconds: number;
  readonly projectSeconds: number;
  readonly rssAfterAppendMiB: number;
  readonly peakRssMiB: number;
  /** RSS once the modules are loaded, before any work (ts-node's TypeScript compiler is part of it). */
  readonly idleRssMiB: number;
  readonly logFileMiB: number;
}

export interface WriterResult {
  readonly events: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly peakRssMiB: number;
  readonly idleRssMiB: number;
}

const serializer = new EventSerializer(new EventTypeRegistry([Deposited, Withdrawn]));

/** Ledger events as records: Zipf-skewed accounts (s = 1), 2/3 deposits, 1/3 withdrawals. */
export function recordFactory(seed: number, keyPrefix: string): () => ProducerRecord {
  const random = mulberry32(seed);
  const cumulative = new Float64Array(ACCOUNTS);
  let sum = 0;
  for (let k = 0; k < ACCOUNTS; k++) cumulative[k] = sum += 1 / (k + 1);
  const versions = new Map<string, number>();
  return () => {
    const target = random() * sum;
    let lo = 0;
    let hi = ACCOUNTS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    const id = `${keyPrefix}${lo}`;
    const version = (versions.get(id) ?? 0) + 1;
    versions.set(id, version);
    const amount = 1 + Math.floor(random() * 100);
    const event = random() < 2 / 3 ? new Deposited(id, amount) : new Withdrawn(id, amount);
    const timestamp = Date.now();
    const { value, headers } = serializer.serialize(event, {
      eventId: randomUUID(),
      type: event instanceof Deposited ? 'account.deposited' : 'account.withdrawn',
      schemaVersion: 1,
      aggregate: 'account',
      aggregateId: id,
      aggregateVersion: version,
      timestamp,
      correlationId: randomUUID(),
      causationId: null,
      headers: {},
    });
    return { topic: SCALING_TOPIC, key: id, value, headers, timestamp };
  };
}

// Sampled, not getrusage's maxRSS: Linux carries the parent's high-water mark across fork + exec,
// so a child's maxRSS is never below the RSS of the harness that spawned it.
let sampledPeakRss = process.memoryUsage().rss;
const sampleRss = (): void => {
  sampledPeakRss = Math.max(sampledPeakRss, process.memoryUsage().rss);
};
setInterval(sampleRss, 20).unref();
const peakRssMiB = (): number => {
  sampleRss();
  return sampledPeakRss / 2 ** 20;
};
// Taken when this module has loaded, i.e. after every import: the floor the runs' growth is measured from.
const idleRssMiB = process.memoryUsage().rss / 2 ** 20;
const seconds = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e9;

async function size(job: Extract<ScalingJob, { kind: 'size' }>): Promise<SizeResult> {
  const logFile = path.join(job.dir, 'log.db');
  const log = SqliteEventLog.open({ file: logFile });
  await log.createTopics([{ name: SCALING_TOPIC, partitions: SCALING_PARTITIONS }]);
  const next = recordFactory(job.seed, 'acc-');
  const appends = Math.ceil(job.events / APPEND_BATCH);
  const tenth = Math.floor(appends * 0.9);
  const started = process.hrtime.bigint();
  let tailStarted = started;
  for (let i = 0, left = job.events; i < appends; i++, left -= APPEND_BATCH) {
    if (i === tenth) tailStarted = process.hrtime.bigint();
    await log.append({ records: Array.from({ length: Math.min(APPEND_BATCH, left) }, next) });
  }
  const appendSeconds = seconds(started);
  const lastTenthAppendSeconds = seconds(tailStarted);
  const rssAfterAppendMiB = process.memoryUsage().rss / 2 ** 20;

  const dataSource = await readModelDataSource(path.join(job.dir, 'read.db'), true).initialize();
  const runner = new ProjectionRunner<EntityManager>({
    projection: new Balances('sqlite'),
    log,
    store: new TypeOrmReadModelStore(dataSource),
    serializer,
  });
  const ends: RecordPosition[] = (await log.offsets(SCALING_TOPIC))
    .filter((o) => o.endOffset > 0)
    .map((o) => ({ topic: o.topic, partition: o.partition, offset: o.endOffset - 1 }));
  const projectStarted = process.hrtime.bigint();
  await runner.start();
  await runner.waitFor(ends, 3_600_000);
  const projectSeconds = seconds(projectStarted);
  const [row] = (await dataSource.query(
    'SELECT coalesce(sum(events), 0) AS events FROM bench_balances',
  )) as Array<{
    events: number;
  }>;
  if (Number(row.events) !== job.events)
    throw new Error(`The read model applied ${row.events} events, expected ${job.events}.`);
  await runner.stop();
  await dataSource.destroy();
  await log.close();
  return {
    events: job.events,
    appendSeconds,
    lastTenthAppendSeconds,
    projectSeconds,
    rssAfterAppendMiB,
    peakRssMiB: peakRssMiB(),
    idleRssMiB,
    logFileMiB: fs.statSync(logFile).size / 2 ** 20,
  };
}

async function writer(job: Extract<ScalingJob, { kind: 'writer' }>): Promise<WriterResult> {
  const log = SqliteEventLog.open({ file: job.file });
  const next = recordFactory(job.seed, job.keyPrefix);
  const records = Array.from({ length: job.events }, next);
  await goSignal();
  const startMs = Date.now();
  let cursor = 0;
  const producer = async (): Promise<void> => {
    while (cursor < records.length) await log.append({ records: [records[cursor++]] });
  };
  await Promise.all(Array.from({ length: PRODUCERS_PER_PROCESS }, producer));
  const endMs = Date.now();
  await log.close();
  process.stdin.destroy();
  return { events: job.events, startMs, endMs, peakRssMiB: peakRssMiB(), idleRssMiB };
}

/** The read model of the scaling runs (the parent creates the shared file's schema once). */
export function readModelDataSource(database: string, synchronize: boolean): DataSource {
  return new DataSource({
    type: 'better-sqlite3',
    database,
    entities: [ProjectionCheckpointEntity, BalanceRow],
    synchronize,
    enableWAL: true,
    timeout: 60_000,
  });
}

async function consumer(job: Extract<ScalingJob, { kind: 'consumer' }>): Promise<WriterResult> {
  const log = SqliteEventLog.open({ file: job.file });
  const dataSource = await readModelDataSource(job.readFile, false).initialize();
  const runner = new ProjectionRunner<EntityManager>({
    projection: new Balances('sqlite'),
    log,
    store: new TypeOrmReadModelStore(dataSource),
    serializer,
    sessionTimeoutMs: 5_000,
  });
  await goSignal();
  const startMs = Date.now();
  await runner.start();
  // Done when the read-model checkpoints (the truth, committed with the writes) cover every record;
  // the group's offsets in the log may lag behind them after a rebalance.
  const store = new TypeOrmReadModelStore(dataSource);
  for (;;) {
    const checkpoints = await store.checkpoints('bench-balances');
    if (checkpoints.reduce((n, c) => n + c.nextOffset, 0) >= job.events) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const endMs = Date.now();
  await runner.stop();
  await dataSource.destroy();
  await log.close();
  process.stdin.destroy();
  return { events: job.events, startMs, endMs, peakRssMiB: peakRssMiB(), idleRssMiB };
}

/** Prints `ready` and resolves when the parent writes `go`: every process starts at once. */
function goSignal(): Promise<void> {
  process.stdout.write('ready\n');
  return new Promise<void>((resolve) => {
    process.stdin.on('data', (d: Buffer) => {
      if (d.toString().includes('go')) resolve();
    });
  });
}

async function main(): Promise<void> {
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as ScalingJob;
  const result =
    job.kind === 'size' ? await size(job) : job.kind === 'writer' ? await writer(job) : await consumer(job);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `scaling worker: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
