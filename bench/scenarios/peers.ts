import * as fs from 'node:fs';
import * as path from 'node:path';
import { registerScenario } from '../registry';
import { formatCount, formatStats, summarize } from '../stats';
import { BenchSize, ResultRow, Scenario, ScenarioContext, ScenarioResult, Stats } from '../types';
import { childResult, REPO, startChild, typescriptArgs } from './peers-child';
import { installPeers, PEERS_DIR, peersInstalled } from './peers-install';
import { createDatabase, dropDatabase, PG_DATABASE_PREFIX, postgresAvailable } from './peers-postgres';
import { DriverJob, DriverResult, PeerBackend } from './peers-protocol';
import { LedgerWorkload, makeLedgerWorkload, WorkloadShape } from './peers-workload';

/**
 * Peers, same workload, same run: Eventline against Emmett (SQLite and PostgreSQL) and
 * @ocoda/event-sourcing (PostgreSQL) on the ledger workload — commands one after another, each
 * loading its account(s), deciding and appending with the expected version, and a projection
 * folding every event into a balances table. Each system runs in its own child process
 * (peers need their own node_modules); the order of systems alternates between repetitions.
 */

const SHAPES: Record<BenchSize, WorkloadShape> = {
  tiny: { accounts: 20, commands: 60, warmupCommands: 20, seed: 7 },
  quick: { accounts: 100, commands: 400, warmupCommands: 100, seed: 7 },
  full: { accounts: 1_000, commands: 5_000, warmupCommands: 500, seed: 7 },
};

interface SystemSpec {
  readonly system: 'eventline' | 'emmett' | 'ocoda';
  readonly backend: PeerBackend;
  readonly peer: boolean;
  /** false: Eventline's write path alone, no projection (a diagnostic row, not a comparison). */
  readonly projection?: false;
  /** Eventline: each command also waits for its read model, the guarantee an inline projection gives (diagnostic row). */
  readonly readYourWrites?: true;
  readonly command: (job: string) => { args: string[]; cwd: string };
}

const eventline = (backend: PeerBackend, mode?: 'write-only' | 'read-your-writes'): SystemSpec => ({
  system: 'eventline',
  backend,
  peer: false,
  ...(mode === 'write-only' ? { projection: false as const } : {}),
  ...(mode === 'read-your-writes' ? { readYourWrites: true as const } : {}),
  command: (job) => ({
    args: typescriptArgs(path.join(__dirname, 'peers-eventline-driver.ts'), job),
    cwd: REPO,
  }),
});

const peer = (system: 'emmett' | 'ocoda', backend: PeerBackend, script: string): SystemSpec => ({
  system,
  backend,
  peer: true,
  command: (job) => ({ args: [path.join(PEERS_DIR, script), job], cwd: PEERS_DIR }),
});

const ALL_SYSTEMS: readonly SystemSpec[] = [
  eventline('sqlite'),
  eventline('sqlite', 'write-only'),
  eventline('sqlite', 'read-your-writes'),
  peer('emmett', 'sqlite', 'emmett-sqlite.cjs'),
  eventline('postgresql'),
  peer('emmett', 'postgresql', 'emmett-postgresql.cjs'),
  peer('ocoda', 'postgresql', 'ocoda-postgresql.cjs'),
];

const DRIVER_TIMEOUT_MS = 15 * 60_000;

/** +12 / −8: a growth that can be negative when the run's garbage collection frees start-up memory. */
function signed(n: number): string {
  return `${n < 0 ? '−' : '+'}${Math.abs(n).toFixed(0)}`;
}

function idOf(spec: SystemSpec): string {
  const mode = spec.projection === false ? '-write-only' : spec.readYourWrites ? '-read-your-writes' : '';
  return `${spec.system}${mode}/${spec.backend}`;
}

function runDriver(spec: SystemSpec, jobFile: string): Promise<DriverResult> {
  const { args, cwd } = spec.command(jobFile);
  const child = startChild(args, cwd);
  child.stdin.end();
  return childResult<DriverResult>(child, `${idOf(spec)} driver`, DRIVER_TIMEOUT_MS);
}

/** Every system must leave exactly the read model the workload implies; a fast wrong answer is no result. */
function checkReadModel(spec: SystemSpec, result: DriverResult, workload: LedgerWorkload): void {
  const { expected } = workload;
  const got = spec.projection === false ? { ...expected } : result.readModel;
  if (
    got.accounts !== expected.accounts ||
    got.totalBalance !== expected.totalBalance ||
    got.events !== expected.events ||
    result.rejected !== expected.rejected
  ) {
    throw new Error(
      `${idOf(spec)} left a wrong read model: ${JSON.stringify({ ...got, rejected: result.rejected })}, expected ${JSON.stringify(expected)}.`,
    );
  }
}

let databaseCounter = 0;

async function runOnce(
  context: ScenarioContext,
  spec: SystemSpec,
  workloadFile: string,
  workload: LedgerWorkload,
): Promise<DriverResult> {
  const dir = fs.mkdtempSync(path.join(context.tmpDir, `${spec.system}-${spec.backend}-`));
  const database = `${PG_DATABASE_PREFIX}${process.pid}_${++databaseCounter}`;
  const job: DriverJob = {
    workloadFile,
    backend: spec.backend,
    dir,
    ...(spec.projection === false ? { projection: false } : {}),
    ...(spec.readYourWrites ? { readYourWrites: true } : {}),
    ...(spec.backend === 'postgresql' ? { pgUrl: await createDatabase(database) } : {}),
  };
  const jobFile = path.join(dir, 'job.json');
  fs.writeFileSync(jobFile, JSON.stringify(job));
  try {
    const result = await runDriver(spec, jobFile);
    checkReadModel(spec, result, workload);
    return result;
  } finally {
    if (spec.backend === 'postgresql') await dropDatabase(database);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function run(context: ScenarioContext): Promise<ScenarioResult> {
  const notes: string[] = [];
  const loud = (line: string): void => {
    context.progress(line);
    notes.push(`**${line}**`);
  };

  let withPeers = peersInstalled();
  if (!withPeers && context.size === 'full') {
    installPeers(context.progress);
    withPeers = true;
  } else if (!withPeers) {
    loud(
      `PEERS SKIPPED: bench/peers/node_modules is not installed and ${context.size} mode does not install it (npm ci + compiling sqlite3 takes minutes). Eventline rows only. Install with: cd bench/peers && npm_config_nodedir=/usr npm ci`,
    );
  }
  const withPostgres = context.size === 'full' && (await postgresAvailable());
  if (context.size !== 'full')
    notes.push(`${context.size} mode: SQLite rows only, PostgreSQL rows run in full mode.`);
  else if (!withPostgres)
    loud('POSTGRESQL SKIPPED: no server at 127.0.0.1:5432 (set EVENTLINE_BENCH_PG_URL).');

  const systems = ALL_SYSTEMS.filter(
    (s) => (withPeers || !s.peer) && (withPostgres || s.backend === 'sqlite'),
  );
  const shape = SHAPES[context.size];
  const workload = makeLedgerWorkload(shape);
  const workloadFile = path.join(context.tmpDir, 'ledger-workload.json');
  fs.writeFileSync(workloadFile, JSON.stringify(workload));
  const repetitions = context.size === 'full' ? context.repetitions : 1;

  const results = new Map<SystemSpec, DriverResult[]>(systems.map((s) => [s, []]));
  for (let rep = 0; rep < repetitions; rep++) {
    const order = rep % 2 === 0 ? systems : [...systems].reverse();
    for (const spec of order) {
      const result = await runOnce(context, spec, workloadFile, workload);
      results.get(spec)!.push(result);
      context.progress(
        `${idOf(spec)} · rep ${rep + 1}/${repetitions} · ${result.endToEndSeconds.toFixed(2)} s end to end (${formatCount(workload.commands.length / result.endToEndSeconds)} commands/s)`,
      );
    }
  }

  const rows: ResultRow[] = [];
  const table: string[][] = [];
  const statsOf = (runs: DriverResult[], pick: (r: DriverResult) => number, unit: string): Stats =>
    summarize(runs.map(pick), unit);
  const endToEnd = new Map<SystemSpec, Stats>();
  const perCpuSecond = new Map<SystemSpec, Stats>();
  for (const spec of systems) {
    endToEnd.set(
      spec,
      statsOf(results.get(spec)!, (r) => r.commands / r.endToEndSeconds, 'commands/s'),
    );
    perCpuSecond.set(
      spec,
      statsOf(results.get(spec)!, (r) => r.commands / r.cpuSeconds, 'commands/cpu-s'),
    );
  }
  for (const spec of systems) {
    const runs = results.get(spec)!;
    const baseline = systems.find(
      (s) =>
        s.system === 'eventline' && s.projection !== false && !s.readYourWrites && s.backend === spec.backend,
    );
    const metrics = {
      endToEndCommandsPerSec: endToEnd.get(spec)!,
      acknowledgedCommandsPerSec: statsOf(runs, (r) => r.commands / r.commandsSeconds, 'commands/s'),
      commandsPerCpuSecond: statsOf(runs, (r) => r.commands / r.cpuSeconds, 'commands/cpu-s'),
      projectedEventsPerSec: statsOf(runs, (r) => workload.expected.events / r.endToEndSeconds, 'events/s'),
      latencyP50Ms: statsOf(runs, (r) => r.latencyMs.p50, 'ms'),
      latencyP99Ms: statsOf(runs, (r) => r.latencyMs.p99, 'ms'),
      latencyP999Ms: statsOf(runs, (r) => r.latencyMs.p999, 'ms'),
      rssMiB: statsOf(runs, (r) => r.rssMiB, 'MiB'),
      rssGrowthMiB: statsOf(runs, (r) => r.rssMiB - r.idleRssMiB, 'MiB'),
    };
    const ratio =
      spec.peer && baseline ? endToEnd.get(baseline)!.median / metrics.endToEndCommandsPerSec.median : 1;
    const cpuRatio =
      spec.peer && baseline ? perCpuSecond.get(baseline)!.median / metrics.commandsPerCpuSecond.median : 1;
    rows.push({
      id: idOf(spec),
      params: {
        system: spec.system,
        backend: spec.backend,
        accounts: shape.accounts,
        commands: shape.commands,
        events: workload.expected.events,
        ...Object.fromEntries(Object.entries(runs[0].facts).map(([k, v]) => [k, String(v)])),
      },
      metrics,
      derived: { eventlineOverPeer: ratio, eventlineOverPeerPerCpuSecond: cpuRatio },
    });
    table.push([
      spec.projection === false
        ? 'eventline (write path only, no projection)'
        : spec.readYourWrites
          ? 'eventline (each command waits for its read model)'
          : spec.system,
      spec.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL',
      formatStats(metrics.endToEndCommandsPerSec),
      formatCount(metrics.acknowledgedCommandsPerSec.median),
      formatCount(metrics.commandsPerCpuSecond.median),
      formatCount(metrics.projectedEventsPerSec.median),
      `${metrics.latencyP50Ms.median.toFixed(2)} / ${metrics.latencyP99Ms.median.toFixed(1)} / ${metrics.latencyP999Ms.median.toFixed(1)}`,
      `${metrics.rssMiB.median.toFixed(0)} (${signed(metrics.rssGrowthMiB.median)})`,
      spec.peer
        ? `${ratio.toFixed(2)}× (${cpuRatio.toFixed(2)}× per CPU-s)`
        : spec.projection === false || spec.readYourWrites
          ? 'diagnostic'
          : 'baseline',
    ]);
  }

  const factsBySystem = Object.fromEntries(systems.map((s) => [idOf(s), results.get(s)![0]?.facts ?? {}]));
  notes.push(
    `Workload: ${shape.accounts} accounts, keys Zipf(s=${workload.zipfExponent}), ${formatCount(shape.commands)} commands (45% deposits, 35% withdrawals, 20% transfers; ${workload.expected.rejected} rejected for insufficient funds) → ${formatCount(workload.expected.events)} events; ${shape.warmupCommands} untimed warm-up commands on other accounts first. The same commands in the same order for every system, one at a time (each awaited).`,
    "End to end = from the first timed command until the read model holds every event (inline projections: when the last command is acknowledged; Eventline: its asynchronous projection has caught up). Ratio = Eventline end-to-end commands/s ÷ the peer's, on the same backend; in brackets the same per CPU-second (CPU time of the driver process, all its threads, over the same span — far steadier than wall-clock figures on a shared machine; PostgreSQL's own CPU is not counted). Every run is checked: accounts, sum of balances, events applied and rejections must equal the sequential fold.",
    "What a command waits for differs, by design: a peer's acknowledgement includes its read-model update (inline projection, same transaction); Eventline's acknowledgement means the events are durable in the log, and its projection follows asynchronously (batches gather appends for up to batchLingerMs = 5 ms). The row 'each command waits for its read model' gives Eventline the peers' guarantee: every command also awaits ProjectionRunner.waitFor on its own positions (no linger while someone waits). Durability: the logs run synchronous=FULL everywhere; Emmett's read model commits with its append (FULL), Eventline's SQLite read model commits with synchronous=NORMAL (read back in the facts) — after a power loss it may lose its last transactions, checkpoint included, and the runner re-applies them from the log: nothing acknowledged is lost, the effect stays exactly-once.",
    `${repetitions} repetition(s), each system a fresh child process and fresh database; median (min–max). Latency = per command, from call to acknowledgement. RSS at the end of the run, and its growth over the driver's RSS once its modules were loaded (Eventline's floor includes ts-node's TypeScript compiler, about 50 MiB that a compiled application does not carry — compare growth, not the absolute).`,
    'Eventline: CommandPipeline (class-validator, unit of work, one atomic append with expected versions, snapshot every 100 events) on the embedded SQLite log (WAL, synchronous=FULL), ProjectionRunner into a TypeORM read model (SQLite file, or PostgreSQL in the PostgreSQL rows — its log stays on SQLite). A transfer is one command appending to both accounts atomically.',
    'Emmett: CommandHandler (reads the whole stream per command, no snapshots) + inline raw-SQL projection in the append transaction; SQLite on one shared node-sqlite3 connection, WAL, synchronous read back in the facts. A transfer is two commands.',
    '@ocoda/event-sourcing 1.0.0-beta.21 ships no PostgreSQL store: the bench uses one written after its MongoDB store (bench/peers/ocoda-postgres-event-store.cjs); projection = its publish hook, one upsert per event after the append.',
    '"Write path only" runs the Eventline driver without its ProjectionRunner: the gap to the full Eventline row is what the in-process projection costs the commands (see bench/README.md, "What limits Eventline here").',
    'A benchmark, not a test. Goal (issue #7): Eventline ≥ 3× Emmett on SQLite.',
  );
  return {
    scenario: 'peers',
    title: 'Peers: the ledger on Eventline, Emmett and @ocoda/event-sourcing',
    rows,
    table: {
      headers: [
        'System',
        'Backend',
        'End-to-end commands/s median (min–max)',
        'Acknowledged commands/s',
        'Commands per CPU-second',
        'Projected events/s',
        'Latency p50 / p99 / p99.9 ms',
        'RSS MiB at end (+ growth)',
        'Eventline/peer',
      ],
      rows: table,
    },
    notes,
    facts: { shape, expected: workload.expected, systems: factsBySystem, withPeers, withPostgres },
  };
}

export const peersScenario: Scenario = {
  name: 'peers',
  description: 'the ledger workload (commands + projection) on Eventline vs Emmett and @ocoda/event-sourcing',
  run,
};

registerScenario(peersScenario);
