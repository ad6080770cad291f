import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SqliteEventLog } from '@eventline/sqlite';
import { chartSvg } from '../chart';
import { registerScenario } from '../registry';
import { formatCount, formatStats, summarize } from '../stats';
import { BenchSize, ResultRow, Scenario, ScenarioContext, ScenarioResult, Stats } from '../types';
import {
  readModelDataSource,
  recordFactory,
  SCALING_PARTITIONS,
  SCALING_TOPIC,
  ScalingJob,
  SizeResult,
  WriterResult,
} from './scaling-worker';

/**
 * Scaling: how throughput and memory change with the size of the log (10k → 1M events: appends,
 * then a projection folding them all) and with the number of OS processes writing one SQLite file
 * (1 → 3). Every measurement runs in a fresh child process, so RSS is that run's alone. The chart
 * (SVG) is written next to the JSON result.
 */

interface Plan {
  readonly sizes: readonly number[];
  readonly processes: readonly number[];
  /** Events all writer processes append together (each appends its share). */
  readonly processEvents: number;
}

const PLANS: Record<BenchSize, Plan> = {
  tiny: { sizes: [500, 1_000], processes: [1, 2], processEvents: 400 },
  quick: { sizes: [2_000, 10_000], processes: [1, 2], processEvents: 2_000 },
  full: { sizes: [10_000, 100_000, 1_000_000], processes: [1, 2, 3], processEvents: 30_000 },
};

const REPO = path.resolve(__dirname, '..', '..');
const WORKER = path.join(__dirname, 'scaling-worker.ts');
const WORKER_TIMEOUT_MS = 60 * 60_000;

function startWorker(
  context: ScenarioContext,
  job: ScalingJob,
  name: string,
): ChildProcessWithoutNullStreams {
  const jobFile = path.join(context.tmpDir, `${name}.json`);
  fs.writeFileSync(jobFile, JSON.stringify(job));
  return spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', WORKER, jobFile],
    { cwd: REPO, env: { ...process.env, TS_NODE_PROJECT: path.join(REPO, 'tsconfig.json') } },
  );
}

/** Resolves with the worker's last stdout line as JSON; `onLine` sees every line (the `ready` handshake). */
function finished<T>(
  child: ChildProcessWithoutNullStreams,
  onLine: (line: string) => void = () => undefined,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), WORKER_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{'))
        reject(new Error(`scaling worker failed (exit ${code}):\n${stderr.slice(-3000)}`));
      else resolve(JSON.parse(last) as T);
    });
  });
}

async function measureSize(context: ScenarioContext, events: number, rep: number): Promise<SizeResult> {
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

interface TogetherResult {
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
async function measureWriters(
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
async function measureConsumers(
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

async function run(context: ScenarioContext): Promise<ScenarioResult> {
  const plan = PLANS[context.size];
  const reps = (events: number) =>
    context.size === 'full' && events < 1_000_000 ? Math.min(context.repetitions, 3) : 1;
  const rows: ResultRow[] = [];
  const table: string[][] = [];

  const bySize = new Map<
    number,
    { append: Stats; tail: Stats; project: Stats; rss: Stats; logMiB: number }
  >();
  for (const events of plan.sizes) {
    const samples: SizeResult[] = [];
    for (let rep = 0; rep < reps(events); rep++) {
      const r = await measureSize(context, events, rep);
      samples.push(r);
      context.progress(
        `${formatCount(events)} events · rep ${rep + 1}/${reps(events)} · append ${formatCount(events / r.appendSeconds)}/s, projection ${formatCount(events / r.projectSeconds)}/s, peak RSS ${r.peakRssMiB.toFixed(0)} MiB`,
      );
    }
    bySize.set(events, {
      append: summarize(
        samples.map((s) => s.events / s.appendSeconds),
        'events/s',
      ),
      tail: summarize(
        samples.map(
          (s) => (s.events - Math.floor(Math.ceil(s.events / 100) * 0.9) * 100) / s.lastTenthAppendSeconds,
        ),
        'events/s',
      ),
      project: summarize(
        samples.map((s) => s.events / s.projectSeconds),
        'events/s',
      ),
      rss: summarize(
        samples.map((s) => s.peakRssMiB),
        'MiB',
      ),
      logMiB: samples[0].logFileMiB,
    });
  }
  const smallest = bySize.get(plan.sizes[0])!;
  for (const [events, m] of bySize) {
    const appendRatio = m.append.median / smallest.append.median;
    const projectRatio = m.project.median / smallest.project.median;
    rows.push({
      id: `size/${events}`,
      params: { dimension: 'events', events, partitions: SCALING_PARTITIONS, appendBatch: 100 },
      metrics: {
        appendEventsPerSec: m.append,
        lastTenthAppendEventsPerSec: m.tail,
        projectionEventsPerSec: m.project,
        peakRssMiB: m.rss,
      },
      derived: { appendVsSmallest: appendRatio, projectionVsSmallest: projectRatio, logFileMiB: m.logMiB },
    });
    table.push([
      `${formatCount(events)} events`,
      formatStats(m.append),
      formatCount(m.tail.median),
      formatStats(m.project),
      m.rss.median.toFixed(0),
      m.logMiB.toFixed(1),
      `${appendRatio.toFixed(2)}× / ${projectRatio.toFixed(2)}×`,
    ]);
  }

  const reps3 = context.size === 'full' ? Math.min(context.repetitions, 3) : 1;
  const measureAll = async (
    label: string,
    measure: (k: number, rep: number) => Promise<TogetherResult>,
  ): Promise<Map<number, { rate: Stats; rss: Stats }>> => {
    const byK = new Map<number, { rate: Stats; rss: Stats }>();
    for (const k of plan.processes) {
      const rates: number[] = [];
      const rss: number[] = [];
      for (let rep = 0; rep < reps3; rep++) {
        const r = await measure(k, rep);
        rates.push(r.eventsPerSec);
        rss.push(r.peakRssMiB);
        context.progress(
          `${k} ${label} process(es) · rep ${rep + 1}/${reps3} · ${formatCount(r.eventsPerSec)} events/s together`,
        );
      }
      byK.set(k, { rate: summarize(rates, 'events/s'), rss: summarize(rss, 'MiB') });
    }
    return byK;
  };
  const writers = await measureAll('writer', (k, rep) => measureWriters(context, k, plan.processEvents, rep));
  const consumers = await measureAll('consumer', (k, rep) =>
    measureConsumers(context, k, plan.processEvents, rep),
  );
  for (const k of plan.processes) {
    const w = writers.get(k)!;
    const c = consumers.get(k)!;
    const writeRatio = w.rate.median / writers.get(plan.processes[0])!.rate.median;
    const consumeRatio = c.rate.median / consumers.get(plan.processes[0])!.rate.median;
    rows.push({
      id: `processes/${k}`,
      params: { dimension: 'processes', processes: k, events: plan.processEvents, producersPerProcess: 16 },
      metrics: {
        appendEventsPerSec: w.rate,
        projectionEventsPerSec: c.rate,
        peakRssMiBPerWriter: w.rss,
        peakRssMiBPerConsumer: c.rss,
      },
      derived: { appendVsOneProcess: writeRatio, projectionVsOneProcess: consumeRatio },
    });
    table.push([
      `${k} process${k > 1 ? 'es' : ''}, one file`,
      formatStats(w.rate),
      '—',
      formatStats(c.rate),
      `${w.rss.median.toFixed(0)} / ${c.rss.median.toFixed(0)}`,
      '—',
      `${writeRatio.toFixed(2)}× / ${consumeRatio.toFixed(2)}×`,
    ]);
  }

  const largest = bySize.get(plan.sizes[plan.sizes.length - 1])!;
  const chart = chartSvg(
    'Eventline scaling (embedded SQLite engine)',
    [
      {
        title: 'Throughput vs log size',
        xLabel: 'events in the log (log scale)',
        yLabel: 'events/s (median)',
        xScale: 'log',
        series: [
          { name: 'append', points: plan.sizes.map((x) => ({ x, y: bySize.get(x)!.append.median })) },
          {
            name: 'append, last 10%',
            dashed: true,
            points: plan.sizes.map((x) => ({ x, y: bySize.get(x)!.tail.median })),
          },
          { name: 'projection', points: plan.sizes.map((x) => ({ x, y: bySize.get(x)!.project.median })) },
        ],
      },
      {
        title: 'Peak RSS vs log size',
        xLabel: 'events in the log (log scale)',
        yLabel: 'MiB',
        xScale: 'log',
        series: [
          {
            name: 'peak RSS (append + projection)',
            points: plan.sizes.map((x) => ({ x, y: bySize.get(x)!.rss.median })),
          },
        ],
      },
      {
        title: 'Processes on one SQLite file',
        xLabel: 'OS processes',
        yLabel: 'events/s together (median)',
        xScale: 'linear',
        series: [
          { name: 'writers', points: plan.processes.map((x) => ({ x, y: writers.get(x)!.rate.median })) },
          {
            name: 'consumer group',
            points: plan.processes.map((x) => ({ x, y: consumers.get(x)!.rate.median })),
          },
        ],
      },
    ],
    `${context.size} run · ${new Date().toISOString()} · see the JSON beside this file for machine facts and every sample`,
  );

  return {
    scenario: 'scaling',
    title: 'Scaling: log size (events), and writer and consumer processes on one SQLite file',
    rows,
    table: {
      headers: [
        'Run',
        'Append events/s median (min–max)',
        'Append, last 10% events/s',
        'Projection events/s median (min–max)',
        'Peak RSS MiB (processes: writer / consumer)',
        'Log file MiB',
        `vs ${formatCount(plan.sizes[0])} events / vs 1 process (append / projection)`,
      ],
      rows: table,
    },
    notes: [
      `Log size: a fresh child process appends N ledger events (JSON, Zipf-skewed over 10k accounts, ${SCALING_PARTITIONS} partitions, 100 per append, WAL + synchronous=FULL), then a ProjectionRunner folds all of them into a TypeORM SQLite read model (one upsert per event). "Last 10%" = the final tenth of the appends alone, when the file is largest. Peak RSS = the child's maxRSS over both phases; ${formatCount(plan.sizes[plan.sizes.length - 1])} events peaked at ${largest.rss.median.toFixed(0)} MiB.`,
      `Processes: K child processes append ${formatCount(plan.processEvents)} events in total (each its share, 16 concurrent one-record appends per process, group commit inside a process, SQLite's write lock between them) to one file after a common start signal; events/s = total ÷ (last end − first start). Consumers: K processes form the projection's consumer group over a log holding the same number of events and fold them into one shared read-model file; done when the read-model checkpoints cover every record, and the read model must hold each event exactly once (checked). The machine has the cores shown above: with 2 cores, 3 processes also compete for CPU.`,
      `Ratios are to the in-run baseline: the smallest size, and 1 process. Repetitions: ${context.size === 'full' ? `min(${context.repetitions}, 3) per point, 1 for 1M events` : '1 per point'}; median (min–max).`,
      'Chart: `<timestamp>-scaling-chart.svg` beside the JSON in bench/results/ (not with --no-json).',
    ],
    facts: { plan },
    artifacts: [{ suffix: 'chart.svg', content: chart }],
  };
}

export const scalingScenario: Scenario = {
  name: 'scaling',
  description:
    'throughput and RSS from small to 1M events, and 1 → 3 writer or consumer processes on one SQLite file (with an SVG chart)',
  run,
};

registerScenario(scalingScenario);
