'use strict';
/**
 * Shared by the peer drivers (plain CommonJS: they run on bench/peers/node_modules, outside the
 * root TypeScript build). Same job/result shapes as bench/scenarios/peers-protocol.ts.
 */
const fs = require('node:fs');

// Taken when the job is read, after the driver's top-level requires: the floor the run's growth is measured from.
let idleRssMiB = NaN;

function readJob() {
  idleRssMiB = process.memoryUsage().rss / 2 ** 20;
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const workload = JSON.parse(fs.readFileSync(job.workloadFile, 'utf8'));
  return { job, workload };
}

function percentile(samples, q) {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** A domain rule said no: the command writes nothing and counts as rejected, as in every system. */
class InsufficientFunds extends Error {}

/**
 * Runs the warm-up commands untimed, then the timed ones one after another.
 * `execute(command)` resolves when the command is acknowledged; `settle()` when the read model holds
 * every event so far (inline projections: at once).
 */
async function runWorkload(workload, execute, settle) {
  let rejected = 0;
  const run = async (c) => {
    try {
      await execute(c);
    } catch (error) {
      if (!(error instanceof InsufficientFunds)) throw error;
      rejected += 1;
    }
  };
  for (const c of workload.warmup) await run(c);
  await settle();
  rejected = 0;
  const latencies = [];
  const cpuAtStart = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (const c of workload.commands) {
    const t = process.hrtime.bigint();
    await run(c);
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const commandsSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  await settle();
  const endToEndSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    commands: workload.commands.length,
    commandsSeconds,
    endToEndSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    latencyMs: {
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      p999: percentile(latencies, 0.999),
    },
    rejected,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
    idleRssMiB,
  };
}

/** The read-model check every driver reports: rows, sum of balances, events applied (acc- accounts only). */
const READ_MODEL_SQL = `SELECT count(*) AS accounts, coalesce(sum(balance), 0) AS total, coalesce(sum(events), 0) AS events
  FROM bench_balances WHERE id LIKE 'acc-%'`;

function readModelOf(row) {
  return { accounts: Number(row.accounts), totalBalance: Number(row.total), events: Number(row.events) };
}

/** A dependency's installed version (read from node_modules: some packages do not export package.json). */
function versionOf(name) {
  const file = require('node:path').join(__dirname, 'node_modules', name, 'package.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')).version;
}

function emit(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function main(run) {
  run().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}

module.exports = {
  readJob,
  runWorkload,
  InsufficientFunds,
  READ_MODEL_SQL,
  readModelOf,
  emit,
  main,
  percentile,
  versionOf,
};
