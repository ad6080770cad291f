import { registerScenario } from '../registry';
import { formatCount, formatStats, summarize } from '../stats';
import { BenchSize, ResultRow, Scenario, ScenarioContext, ScenarioResult, Stats } from '../types';
import { scalingChart } from './scaling-chart';
import { measureConsumers, measureSize, measureWriters, TogetherResult } from './scaling-measure';
import { SCALING_PARTITIONS, SizeResult } from './scaling-worker';

/**
 * Scaling: how throughput and memory change with the size of the log (10k → 1M events: appends,
 * then a projection folding them all) and with the number of OS processes on one SQLite file
 * (1 → 3 writers; 1 → 3 members of one projection consumer group). Every measurement runs in a fresh child process, so RSS is that run's alone. The chart
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

async function run(context: ScenarioContext): Promise<ScenarioResult> {
  const plan = PLANS[context.size];
  const reps = (events: number) =>
    context.size === 'full' && events < 1_000_000 ? Math.min(context.repetitions, 3) : 1;
  const rows: ResultRow[] = [];
  const table: string[][] = [];

  const bySize = new Map<
    number,
    { append: Stats; tail: Stats; project: Stats; rss: Stats; growth: Stats; logMiB: number }
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
      growth: summarize(
        samples.map((s) => s.peakRssMiB - s.idleRssMiB),
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
        rssGrowthMiB: m.growth,
      },
      derived: { appendVsSmallest: appendRatio, projectionVsSmallest: projectRatio, logFileMiB: m.logMiB },
    });
    table.push([
      `${formatCount(events)} events`,
      formatStats(m.append),
      formatCount(m.tail.median),
      formatStats(m.project),
      `${m.rss.median.toFixed(0)} (+${m.growth.median.toFixed(0)})`,
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
  const chart = scalingChart(context.size, plan, {
    append: (x) => bySize.get(x)!.append.median,
    appendTail: (x) => bySize.get(x)!.tail.median,
    projection: (x) => bySize.get(x)!.project.median,
    peakRss: (x) => bySize.get(x)!.rss.median,
    rssGrowth: (x) => bySize.get(x)!.growth.median,
    writers: (k) => writers.get(k)!.rate.median,
    consumers: (k) => consumers.get(k)!.rate.median,
  });

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
        'Peak RSS MiB (+ growth over idle; processes: writer / consumer)',
        'Log file MiB',
        `vs ${formatCount(plan.sizes[0])} events / vs 1 process (append / projection)`,
      ],
      rows: table,
    },
    notes: [
      `Log size: a fresh child process appends N ledger events (JSON, Zipf-skewed over 10k accounts, ${SCALING_PARTITIONS} partitions, 100 per append, WAL + synchronous=FULL), then a ProjectionRunner folds all of them into a TypeORM SQLite read model (one upsert per event). "Last 10%" = the final tenth of the appends alone, when the file is largest. Peak RSS = the child's RSS sampled every 20 ms over both phases; growth = peak − the child's RSS once its modules were loaded (that floor includes ts-node's TypeScript compiler, about 50 MiB a compiled application does not carry); ${formatCount(plan.sizes[plan.sizes.length - 1])} events peaked at ${largest.rss.median.toFixed(0)} MiB (+${largest.growth.median.toFixed(0)}).`,
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
