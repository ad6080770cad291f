import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  AggregateRepository,
  CommandOptions,
  CommandPipeline,
  EventStore,
  IdempotencyStore,
  UnitOfWork,
} from '@eventline/core';
import { SqliteEventLog } from '@eventline/sqlite';
import { handlePost, Ledger, Post } from '../fixtures/ledger';
import { registerScenario } from '../registry';
import { timeVariants, Variant } from '../measure';
import { formatCount, formatNumber, formatStats, quantile, summarize } from '../stats';
import { uniformSampler, zipfSampler } from '../zipf';
import { collectGarbage, GcWindow, watchGc } from '../gc-watch';
import { BenchSize, ResultRow, Scenario, ScenarioContext, ScenarioResult } from '../types';

/**
 * The write path end to end, in process: CommandPipeline.execute (class-validator → handler:
 * load = latest snapshot + events after it → decide → save) → one atomic append with group commit,
 * on the SQLite engine with its default durability. What EventlineModule runs around every
 * command, without HTTP and without the Nest CommandBus hop.
 */

const PARTITIONS = 8;
const CONCURRENCY = 64;
const ZIPF_EXPONENT = 0.99; // YCSB's "zipfian" constant: a few hot ledgers, a long tail
const SNAPSHOT_EVERY = 100;
const RETRIES = 20;
const LOAD_FRACTIONS = [0.5, 0.9] as const;

interface Sizes {
  readonly ledgers: number;
  /** Commands per throughput repetition. */
  readonly commands: number;
  /** Seconds of open-loop arrivals per latency run (the measured window). */
  readonly latencySeconds: number;
  /**
   * Seconds of arrivals at the same rate before the measured window (as wrk2 does): a fresh database,
   * a cold aggregate cache and unoptimised code are the cold start, reported on its own row.
   */
  readonly warmupSeconds: number;
  /** History lengths whose load time is measured. */
  readonly histories: readonly number[];
  /** Loads timed per history (fewer for long histories without snapshots). */
  readonly loads: number;
}

const SIZES: Record<BenchSize, Sizes> = {
  tiny: {
    ledgers: 50,
    commands: 200,
    latencySeconds: 0.2,
    warmupSeconds: 0.1,
    histories: [1, 100, 250],
    loads: 5,
  },
  quick: {
    ledgers: 500,
    commands: 800,
    latencySeconds: 0.25,
    warmupSeconds: 0.1,
    histories: [1, 1_000, 5_000],
    loads: 20,
  },
  full: {
    ledgers: 10_000,
    commands: 30_000,
    latencySeconds: 4,
    warmupSeconds: 1,
    histories: [1, 1_000, 100_000],
    loads: 200,
  },
};

interface Side {
  readonly log: SqliteEventLog;
  readonly store: EventStore;
  readonly pipeline: CommandPipeline;
  readonly ledgers: AggregateRepository<Ledger>;
  readonly file: string;
  /** Handler runs, including re-runs after a lost race. */
  attempts: number;
  /** Appends that reached the log (merged appends carry several commands of one aggregate). */
  appends: number;
}

let fileCounter = 0;

async function openSide(
  dir: string,
  snapshotEvery: number,
  file?: string,
  cacheSize?: number,
): Promise<Side> {
  const dbFile = file ?? path.join(dir, `commands-${process.pid}-${++fileCounter}.db`);
  const log = SqliteEventLog.open({ file: dbFile });
  const store = new EventStore({ log, types: [Ledger], snapshotEvery, partitions: PARTITIONS, cacheSize });
  const idempotency = new IdempotencyStore(log, undefined, PARTITIONS);
  await store.provisionTopics([idempotency.topicSpec()]);
  const pipeline = new CommandPipeline(store, idempotency, { concurrencyRetries: RETRIES });
  const side: Side = {
    log,
    store,
    pipeline,
    ledgers: store.repository(Ledger),
    file: dbFile,
    attempts: 0,
    appends: 0,
  };
  const append = log.append.bind(log);
  log.append = (request) => (side.appends++, append(request));
  return side;
}

async function closeSide(side: Side, remove = true): Promise<void> {
  await side.log.close();
  if (remove) for (const suffix of ['', '-wal', '-shm']) fs.rmSync(side.file + suffix, { force: true });
}

function ledgerId(i: number): string {
  return `ledger-${i}`;
}

/** Opens every ledger (one event each), 500 per atomic append: untimed set-up. */
async function openLedgers(side: Side, count: number): Promise<void> {
  for (let from = 0; from < count; from += 500) {
    const unit = new UnitOfWork();
    for (let i = from; i < Math.min(count, from + 500); i++) {
      const ledger = new Ledger(ledgerId(i));
      ledger.open('EUR');
      unit.stage(side.store.stage(ledger));
    }
    await side.store.commit(unit);
  }
}

/** The same command stream for every run: Zipf-skewed (or uniform) ledger ids, positive amounts (never overdrawn). */
function makeCommands(count: number, ledgers: number, seed: number, uniform = false): Post[] {
  const next = uniform ? uniformSampler(ledgers, seed) : zipfSampler(ledgers, ZIPF_EXPONENT, seed);
  return Array.from({ length: count }, (_, i) => Post.of(ledgerId(next()), 1 + (i % 500), `posting ${i}`));
}

function send(side: Side, command: Post, options: CommandOptions = {}): Promise<unknown> {
  return side.pipeline.execute(
    command,
    () => {
      side.attempts++;
      return handlePost(side.ledgers, command);
    },
    options,
  );
}

async function postedCount(side: Side): Promise<number> {
  const offsets = await side.log.offsets('ledger.events');
  return offsets.reduce((sum, p) => sum + p.endOffset, 0);
}

/** Closed loop: CONCURRENCY callers, each sending its next command as soon as the last one returned. */
function throughputVariant(
  context: ScenarioContext,
  sizes: Sizes,
  name: string,
  idempotent: boolean,
  retries: number[],
  uniform = false,
  cpuSeconds: number[] = [],
  appendsPerCommand: number[] = [],
): Variant {
  let seed = 100;
  return {
    name,
    async prepare() {
      const side = await openSide(context.tmpDir, SNAPSHOT_EVERY);
      await openLedgers(side, sizes.ledgers);
      const commands = makeCommands(sizes.commands, sizes.ledgers, seed++, uniform);
      let completed = false;
      return {
        async run() {
          const cpuBefore = process.cpuUsage();
          side.appends = 0;
          let next = 0;
          const failures: unknown[] = [];
          const caller = async (): Promise<void> => {
            while (next < commands.length) {
              const i = next++;
              await send(side, commands[i], idempotent ? { idempotencyKey: `cmd-${seed}-${i}` } : {}).catch(
                (error: unknown) => failures.push(error),
              );
            }
          };
          await Promise.all(Array.from({ length: CONCURRENCY }, caller));
          if (failures.length > 0) {
            throw new Error(
              `${failures.length} of ${commands.length} commands failed, first: ${String(failures[0])}`,
            );
          }
          completed = true;
          appendsPerCommand.push(side.appends / commands.length);
          const cpu = process.cpuUsage(cpuBefore);
          cpuSeconds.push((cpu.user + cpu.system) / 1e6);
        },
        async dispose() {
          try {
            if (!completed) return; // the run's own error says what went wrong
            const expected = sizes.ledgers + commands.length;
            const stored = await postedCount(side);
            if (stored !== expected)
              throw new Error(`ledger.events holds ${stored} events, expected ${expected}.`);
            retries.push(side.attempts - commands.length);
          } finally {
            await closeSide(side);
          }
        },
      };
    },
  };
}

interface LatencyRun {
  readonly targetRate: number;
  /** Over the measured window. */
  readonly achievedRate: number;
  /** Commands due in the measured window. */
  readonly latenciesMs: number[];
  /** Commands due in the warm-up window (the cold start). */
  readonly coldLatenciesMs: number[];
  readonly retries: number;
  /** GC pauses of the measured window, from its first arrival to its last acknowledgement. */
  readonly gc: GcWindow;
  /** CPU time (user + system) of this process per measured command, µs. */
  readonly cpuUsPerCommand: number;
}

/**
 * Open loop: command i is due at start + i / rate whatever happened to the others, and its latency
 * is counted from that due time — so a stall delays (and is charged to) every command behind it,
 * instead of silently lowering the offered load (no coordinated omission). The first
 * `warmupSeconds` of arrivals are the cold start, kept apart from the measured window.
 */
async function openLoop(
  context: ScenarioContext,
  sizes: Sizes,
  rate: number,
  seed: number,
): Promise<LatencyRun> {
  const side = await openSide(context.tmpDir, SNAPSHOT_EVERY);
  try {
    await openLedgers(side, sizes.ledgers);
    const warm = Math.max(1, Math.round(rate * sizes.warmupSeconds));
    const total = warm + Math.max(1, Math.round(rate * sizes.latencySeconds));
    const commands = makeCommands(total, sizes.ledgers, seed);
    const latenciesMs: number[] = [];
    const coldLatenciesMs: number[] = [];
    const failures: unknown[] = [];
    collectGarbage(); // the previous runs' stores and commands are garbage: not this run's pause
    let measuredFrom = 0;
    let lastDone = 0;
    let stopGc: (() => GcWindow) | undefined;
    let cpuFrom = process.cpuUsage();
    const start = performance.now();
    await new Promise<void>((resolve) => {
      let sent = 0;
      let done = 0;
      const finish = () => {
        if (++done === total) resolve();
      };
      const tick = (): void => {
        const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
        while (sent < due) {
          const scheduled = start + (sent * 1000) / rate;
          const into = sent < warm ? coldLatenciesMs : latenciesMs;
          if (sent === warm) {
            measuredFrom = scheduled;
            stopGc = watchGc();
            cpuFrom = process.cpuUsage();
          }
          send(side, commands[sent++]).then(
            () => ((lastDone = performance.now()), into.push(lastDone - scheduled), finish()),
            (error) => (failures.push(error), finish()),
          );
        }
        if (sent < total) setImmediate(tick);
      };
      tick();
    });
    const cpu = process.cpuUsage(cpuFrom);
    const gc = stopGc!();
    if (failures.length > 0) throw failures[0];
    const elapsed = (lastDone - measuredFrom) / 1000;
    return {
      targetRate: rate,
      achievedRate: latenciesMs.length / elapsed,
      latenciesMs,
      coldLatenciesMs,
      retries: side.attempts - total,
      gc,
      cpuUsPerCommand: (cpu.user + cpu.system) / latenciesMs.length,
    };
  } finally {
    await closeSide(side);
  }
}

/** One ledger with `events` events (opened + postings), built with 1000-event saves; snapshots as the policy says. */
async function buildHistory(side: Side, id: string, events: number): Promise<void> {
  const ledger = await side.ledgers.create(id);
  ledger.open('EUR');
  await side.ledgers.save(ledger);
  while ((await side.ledgers.load(id)).version < events) {
    const current = await side.ledgers.load(id);
    for (let n = current.version; n < Math.min(events, current.version + 1_000); n++)
      current.post(1, 'history');
    await side.ledgers.save(current);
  }
}

async function timeLoads(side: Side, id: string, loads: number, events: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < loads; i++) {
    const start = process.hrtime.bigint();
    const ledger = await side.ledgers.load(id);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (ledger.version !== events) throw new Error(`loaded version ${ledger.version}, expected ${events}`);
  }
  return samples;
}

async function run(context: ScenarioContext): Promise<ScenarioResult> {
  const sizes = SIZES[context.size];
  const rows: ResultRow[] = [];
  const table: string[][] = [];
  const params = { ledgers: sizes.ledgers, zipfExponent: ZIPF_EXPONENT, snapshotEvery: SNAPSHOT_EVERY };

  // 1. Maximum throughput, closed loop.
  const retries: Record<string, number[]> = { plain: [], idempotent: [], uniform: [] };
  const cpu: Record<string, number[]> = { plain: [], idempotent: [], uniform: [] };
  const appends: Record<string, number[]> = { plain: [], idempotent: [], uniform: [] };
  const seconds = await timeVariants(context, `throughput, ${CONCURRENCY} concurrent callers`, [
    throughputVariant(context, sizes, 'plain', false, retries.plain, false, cpu.plain, appends.plain),
    throughputVariant(
      context,
      sizes,
      'idempotent',
      true,
      retries.idempotent,
      false,
      cpu.idempotent,
      appends.idempotent,
    ),
    throughputVariant(context, sizes, 'uniform', false, retries.uniform, true, cpu.uniform, appends.uniform),
  ]);
  const max: Record<string, number> = {};
  for (const [name, label] of [
    ['plain', 'Zipf keys, no idempotency key'],
    ['idempotent', 'Zipf keys, with an idempotency key (one more record per command)'],
    ['uniform', 'uniform keys (for comparison: no hot ledger), no idempotency key'],
  ] as const) {
    const cps = summarize(
      seconds.get(name)!.map((s) => sizes.commands / s),
      'commands/s',
    );
    max[name] = cps.median;
    const lostRaces = summarize(retries[name], 're-runs');
    const merged = summarize(appends[name].slice(-context.repetitions), 'appends per command');
    // Warm-up runs recorded CPU too: keep the timed ones (the last `repetitions`).
    const perCpuSecond = summarize(
      cpu[name].slice(-context.repetitions).map((c) => sizes.commands / c),
      'commands per CPU-second',
    );
    rows.push({
      id: `throughput/${name}`,
      params: {
        ...params,
        commands: sizes.commands,
        concurrency: CONCURRENCY,
        idempotencyKey: String(name === 'idempotent'),
        keys: name === 'uniform' ? 'uniform' : 'zipf',
      },
      metrics: {
        commandsPerSec: cps,
        commandsPerCpuSecond: perCpuSecond,
        handlerReRuns: lostRaces,
        appendsPerCommand: merged,
      },
      derived: { usPerCommand: 1e6 / cps.median },
    });
    table.push([
      `max throughput, ${label}`,
      `${CONCURRENCY} callers, closed loop, ${formatCount(sizes.commands)} commands`,
      `${formatStats(cps)} commands/s`,
      `${formatNumber(1e6 / cps.median, 0)} µs/command; ${formatCount(perCpuSecond.median)} commands per CPU-second (this process); ${lostRaces.median} handler re-runs after lost races; ${formatNumber(merged.median, 2)} appends per command (merged appends)`,
    ]);
  }

  // 2. Latency at a fixed fraction of the plain maximum, open loop.
  let seed = 1_000;
  for (const fraction of LOAD_FRACTIONS) {
    const rate = Math.max(1, Math.round(max.plain * fraction));
    const runs: LatencyRun[] = [];
    // Smoke runs (quick, tiny) take one latency run per level: they show the shape, not the figure.
    const latencyRuns = context.size === 'full' ? context.repetitions : 1;
    for (let r = 0; r < latencyRuns; r++) {
      const result = await openLoop(context, sizes, rate, seed++);
      context.progress(
        `latency at ${fraction * 100}% (${formatCount(rate)}/s) · rep ${r + 1}/${latencyRuns} · p99 ${formatNumber(
          quantile(
            [...result.latenciesMs].sort((a, b) => a - b),
            0.99,
          ),
          2,
        )} ms`,
      );
      runs.push(result);
    }
    const pct = (q: number, window: (r: LatencyRun) => number[] = (r) => r.latenciesMs) =>
      summarize(
        runs.map((r) =>
          quantile(
            [...window(r)].sort((a, b) => a - b),
            q,
          ),
        ),
        'ms',
      );
    const metrics = {
      p50: pct(0.5),
      p99: pct(0.99),
      p999: pct(0.999),
      achievedPerSec: summarize(
        runs.map((r) => r.achievedRate),
        'commands/s',
      ),
      // What the tail waits out: GC pauses in the measured window, and the CPU each command costs.
      gcMsPer1kCommands: summarize(
        runs.map((r) => ((r.gc.minorMs + r.gc.majorMs) * 1000) / r.latenciesMs.length),
        'ms',
      ),
      scavengesPer1kCommands: summarize(
        runs.map((r) => (r.gc.minor * 1000) / r.latenciesMs.length),
        'scavenges',
      ),
      majorGcs: summarize(
        runs.map((r) => r.gc.major),
        'collections',
      ),
      maxGcPauseMs: summarize(
        runs.map((r) => r.gc.maxPauseMs),
        'ms',
      ),
      cpuUsPerCommand: summarize(
        runs.map((r) => r.cpuUsPerCommand),
        'µs',
      ),
    };
    rows.push({
      id: `latency/${fraction * 100}pct`,
      params: { ...params, targetPerSec: rate, seconds: sizes.latencySeconds, fractionOfMax: fraction },
      metrics,
      derived: { targetPerSec: rate },
    });
    const ms = (n: number) => formatNumber(n, 2);
    table.push([
      `latency at ${fraction * 100}% of max`,
      `open loop, ${formatCount(rate)} commands/s for ${sizes.latencySeconds} s`,
      `p50 ${ms(metrics.p50.median)} · p99 ${ms(metrics.p99.median)} · p99.9 ${ms(metrics.p999.median)} ms`,
      `medians of ${runs.length} runs (p99 ${ms(metrics.p99.min)}–${ms(metrics.p99.max)} ms), after ${sizes.warmupSeconds} s of warm-up at the same rate; achieved ${formatCount(metrics.achievedPerSec.median)}/s; GC ${ms(metrics.gcMsPer1kCommands.median)} ms per 1k commands (${formatNumber(metrics.scavengesPer1kCommands.median, 1)} scavenges, ${metrics.majorGcs.median} other collections in the window), longest pause ${ms(metrics.maxGcPauseMs.median)} ms; ${formatNumber(metrics.cpuUsPerCommand.median, 0)} µs CPU per command`,
    ]);
    const cold = {
      p50: pct(0.5, (r) => r.coldLatenciesMs),
      p99: pct(0.99, (r) => r.coldLatenciesMs),
      max: pct(1, (r) => r.coldLatenciesMs),
    };
    rows.push({
      id: `latency/${fraction * 100}pct/cold-start`,
      params: { ...params, targetPerSec: rate, seconds: sizes.warmupSeconds, fractionOfMax: fraction },
      metrics: cold,
      derived: { targetPerSec: rate },
    });
    table.push([
      `cold start at ${fraction * 100}% of max`,
      `the first ${sizes.warmupSeconds} s of each run (fresh database, cold cache)`,
      `p50 ${ms(cold.p50.median)} · p99 ${ms(cold.p99.median)} · max ${ms(cold.max.median)} ms`,
      `medians of ${runs.length} runs (p99 ${ms(cold.p99.min)}–${ms(cold.p99.max)} ms); not in the row above`,
    ]);
  }

  // 3. Aggregate load time by history length: snapshots on and off without the aggregate cache,
  //    and the default (snapshots + cache) — the same events, three stores on one file.
  context.progress(`load: building histories of ${sizes.histories.join(', ')} events`);
  const builder = await openSide(context.tmpDir, SNAPSHOT_EVERY);
  const withSnapshots = await openSide(context.tmpDir, SNAPSHOT_EVERY, builder.file, 0);
  const withoutSnapshots = await openSide(context.tmpDir, 0, builder.file, 0);
  try {
    for (const events of sizes.histories) await buildHistory(builder, `history-${events}`, events);
    const loadMedians = new Map<string, number>();
    for (const [label, side] of [
      ['on', withSnapshots],
      ['off', withoutSnapshots],
      ['on + cache', builder],
    ] as const) {
      for (const events of sizes.histories) {
        // Long histories replayed in full take long: fewer timed loads, at least 3.
        const loads = label === 'off' && events > 1_000 ? Math.max(3, Math.min(sizes.loads, 5)) : sizes.loads;
        await side.ledgers.load(`history-${events}`); // untimed: fills the cache where there is one
        const samples = await timeLoads(side, `history-${events}`, loads, events);
        const stats = summarize(samples, 'ms');
        loadMedians.set(`${label}/${events}`, stats.median);
        const snapshotAt =
          label === 'off'
            ? 0
            : label === 'on'
              ? Math.floor(events / SNAPSHOT_EVERY) * SNAPSHOT_EVERY
              : events;
        const relative = stats.median / loadMedians.get(`${label}/${sizes.histories[0]}`)!;
        rows.push({
          id: `load/snapshots-${label.replace(' + ', '-')}/${events}`,
          params: { events, snapshots: label, snapshotEvery: label === 'off' ? 0 : SNAPSHOT_EVERY, loads },
          metrics: { loadMs: stats },
          derived: { eventsReplayed: events - snapshotAt, relativeToFirst: relative },
        });
        table.push([
          `load, snapshots ${label}`,
          `${formatCount(events)}-event history (${formatCount(events - snapshotAt)} replayed)`,
          `${formatStats(stats, (n) => formatNumber(n, 3))} ms`,
          `${formatNumber(relative, 2)}× the ${formatCount(sizes.histories[0])}-event load; ${loads} loads`,
        ]);
      }
    }
  } finally {
    await closeSide(withoutSnapshots, false);
    await closeSide(withSnapshots, false);
    await closeSide(builder);
  }

  return {
    scenario: 'commands',
    title: 'Commands: validate → load → decide → append, in process, SQLite engine',
    rows,
    table: { headers: ['Measure', 'Load', 'Result median (min–max)', 'Notes'], rows: table },
    notes: [
      `Ledger aggregate (ledger.opened, ledger.posted), ${formatCount(sizes.ledgers)} ledgers opened beforehand; ledger ids drawn Zipf(s=${ZIPF_EXPONENT}); snapshot every ${SNAPSHOT_EVERY} events; ${PARTITIONS} partitions; WAL + synchronous=FULL; a fresh database per run.`,
      `Each command: CommandPipeline.execute → class-validator → handler (repository.load: latest snapshot via readLatest + events after it via readKey; decide; save) → one atomic append (group commit) → EventBus publication hook. Commands queued on one ledger in this process are merged into one append (MergedAppend; appends per command < 1 shows it). Lost races (two callers on one hot ledger) re-run on fresh state, up to ${RETRIES} times; the re-runs are counted.`,
      'Commands per CPU-second: commands / (user + system CPU time of this process during the run) — less sensitive than commands/s to other processes on a busy machine; fsync waits are not CPU time.',
      `Max throughput: ${context.repetitions} timed repetitions after ${context.warmups} warm-up, the variants interleaved. Latency: ${context.size === 'full' ? context.repetitions : 1} open-loop run(s) per load level, arrivals at a fixed rate (a fraction of the plain max median), latency from each command's scheduled arrival to its acknowledgement (committed and fsynced); p50/p99/p99.9 are medians over runs, over the ${sizes.latencySeconds} s measured window that follows ${sizes.warmupSeconds} s of arrivals at the same rate on the same fresh database (the cold start: its own row); a full GC before each run, so a run does not pay for the garbage of the ones before it (its own garbage it does pay for: GC per 1k commands and the longest pause are in the row).`,
      'Load: repository.load(id) on one database holding all histories, built with 1000-event saves; "on" reads the latest snapshot + the events after it (aggregate cache off), "off" replays the whole history, "on + cache" is the default store: the state cached in process after the first load, checked against the id\'s version in the log. Warm page cache.',
      'A benchmark, not a test: nothing here asserts timings. Targets (issue #3): ≥ 10k commands/s; p99 ≤ 10 ms at half load; 100k-event load ≤ 1.5× a 1-event load with snapshots.',
    ],
    facts: {
      sizes,
      concurrency: CONCURRENCY,
      zipfExponent: ZIPF_EXPONENT,
      snapshotEvery: SNAPSHOT_EVERY,
      retries: RETRIES,
    },
  };
}

export const commandsScenario: Scenario = {
  name: 'commands',
  description: 'commands/s, latency at 50% and 90% of max load, and aggregate load time vs history length',
  run,
};

registerScenario(commandsScenario);
