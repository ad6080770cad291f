import { ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SqliteEventLog } from '@eventline/sqlite';
import { ScenarioContext } from '../types';
import { childResult, startChild, typescriptArgs } from './peers-child';
import {
  readModelDataSource,
  recordFactory,
  SCALING_PARTITIONS,
  SCALING_TOPIC,
  ScalingJob,
  SizeResult,
  WriterResult,
} from './scaling-worker';

/** The measurements of the `scaling` scenario, each in fresh child processes (scaling-worker.ts). */

const WORKER = path.join(__dirname, 'scaling-worker.ts');
const WORKER_TIMEOUT_MS = 60 * 60_000;

function startWorker(
  context: ScenarioContext,
  job: ScalingJob,
  name: string,
): ChildProcessWithoutNullStreams {
  const jobFile = path.join(context.tmpDir, `${name}.json`);
  fs.writeFileSync(jobFile, JSON.stringify(job));
  return startChild(typescriptArgs(WORKER, jobFile));
}

function finished<T>(child: ChildProcessWithoutNullStreams, onLine?: (line: string) => void): Promise<T> {
  return childResult<T>(child, 'scaling worker', WORKER_TIMEOUT_MS, onLine);
}

export async function measureSize(
  context: ScenarioContext,
  events: number,
  rep: number,
): Promise<SizeResult> {
  const dir = fs.mkdtempSync(path.join(context.tmpDir, `size-${events}-`));
  try {
    return await finished<SizeResult>(
      startWorker(context, { kind: 'size', dir, events, seed: 100 + rep }, `size-${events}-${rep}`),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts every job's process, waits until all print `ready`, says `go` to all, collects their results. */
async function runTogether(
  context: ScenarioContext,
  jobs: readonly ScalingJob[],
  name: string,
): Promise<WriterResult[]> {
  let ready = 0;
  let go: () => void = () => undefined;
  const allReady = new Promise<void>((resolve) => (go = resolve));
  const children = jobs.map((job, i) => startWorker(context, job, `${name}-${i}`));
  const results = children.map((child) =>
    finished<WriterResult>(child, (line) => {
      if (line === 'ready' && ++ready === jobs.length) go();
    }),
  );
  await Promise.race([allReady, Promise.all(results)]);
  for (const child of children) child.stdin.write('go\n');
  return Promise.all(results);
}

export interface TogetherResult {
  readonly eventsPerSec: number;
  readonly peakRssMiB: number;
}

function together(events: number, done: readonly WriterResult[]): TogetherResult {
  const wall = (Math.max(...done.map((d) => d.endMs)) - Math.min(...done.map((d) => d.startMs))) / 1000;
  return { eventsPerSec: events / wall, peakRssMiB: Math.max(...done.map((d) => d.peakRssMiB)) };
}

async function sharedLog(dir: string): Promise<string> {
  const file = path.join(dir, 'shared.db');
  const log = SqliteEventLog.open({ file });
  await log.createTopics([{ name: SCALING_TOPIC, partitions: SCALING_PARTITIONS }]);
  await log.close();
  return file;
}

/** K processes append to one file at once; aggregate events/s from the first start to the last end. */
export async function measureWriters(
  context: ScenarioContext,
  processes: number,
  total: number,
  rep: number,
): Promise<TogetherResult> {
  const dir = fs.mkdtempSync(path.join(context.tmpDir, `writers-${processes}-`));
  try {
    const file = await sharedLog(dir);
    const share = Math.ceil(total / processes);
    const done = await runTogether(
      context,
      Array.from({ length: processes }, (_, i): ScalingJob => ({
        kind: 'writer',
        file,
        events: share,
        seed: 1000 * rep + i,
        keyPrefix: `p${i}-`,
      })),
      `writer-${processes}-${rep}`,
    );
    const log = SqliteEventLog.open({ file });
    const stored = (await log.offsets(SCALING_TOPIC)).reduce((n, o) => n + o.endOffset - o.beginOffset, 0);
    await log.close();
    if (stored !== share * processes)
      throw new Error(`The shared log holds ${stored} records, expected ${share * processes}.`);
    return together(stored, done);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * K processes form one consumer group over a log holding `total` events and fold them into one
 * shared read-model file; done when the read-model checkpoints cover every record. The read model must then
 * hold every event exactly once, however the partitions moved while members joined.
 */
export async function measureConsumers(
  context: ScenarioContext,
  processes: number,
  total: number,
  rep: number,
): Promise<TogetherResult> {
  const dir = fs.mkdtempSync(path.join(context.tmpDir, `consumers-${processes}-`));
  try {
    const file = await sharedLog(dir);
    const log = SqliteEventLog.open({ file });
    const next = recordFactory(2000 + rep, 'acc-');
    for (let left = total; left > 0; left -= 1000)
      await log.append({ records: Array.from({ length: Math.min(1000, left) }, next) });
    await log.close();
    const readFile = path.join(dir, 'read.db');
    await (await readModelDataSource(readFile, true).initialize()).destroy();
    const done = await runTogether(
      context,
      Array.from({ length: processes }, (): ScalingJob => ({
        kind: 'consumer',
        file,
        readFile,
        events: total,
      })),
      `consumer-${processes}-${rep}`,
    );
    const dataSource = await readModelDataSource(readFile, false).initialize();
    const [row] = (await dataSource.query(
      'SELECT coalesce(sum(events), 0) AS events FROM bench_balances',
    )) as Array<{ events: number }>;
    await dataSource.destroy();
    if (Number(row.events) !== total)
      throw new Error(
        `${processes} consumer processes applied ${row.events} events, expected each of ${total} once.`,
      );
    return together(total, done);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
