import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import './scenarios';
import { findScenario, listScenarios } from './registry';
import { busyWarning, loadAverage, machineFacts, machineFactsMarkdown, MachineFacts } from './machine';
import { BenchSize, ScenarioResult } from './types';

export interface BenchOptions {
  /** Scenario names; empty or absent = all registered scenarios, in registration order. */
  readonly scenarios?: readonly string[];
  readonly size?: BenchSize;
  /** Timed repetitions (default 5; 3 for quick; 1 for tiny). */
  readonly repetitions?: number;
  /** Untimed warm-up runs before them (default 1; 0 for tiny). */
  readonly warmups?: number;
  /** Where JSON results go (default bench/results); null = write none. */
  readonly resultsDir?: string | null;
  /** Progress lines (default: stderr). */
  readonly progress?: (line: string) => void;
  /** The Markdown report (default: stdout). */
  readonly output?: (markdown: string) => void;
}

export interface BenchRun {
  readonly scenario: string;
  readonly result: ScenarioResult;
  readonly durationSeconds: number;
  readonly jsonFile: string | null;
}

export interface BenchReport {
  readonly machine: MachineFacts;
  readonly runs: readonly BenchRun[];
}

export const DEFAULT_RESULTS_DIR = path.join(__dirname, 'results');

export function scenarioNames(): string[] {
  return listScenarios().map((s) => s.name);
}

/** Runs scenarios one after another, prints each table as it completes, writes one JSON file per scenario. */
export async function runBench(options: BenchOptions = {}): Promise<BenchReport> {
  const size = options.size ?? 'full';
  const repetitions = options.repetitions ?? (size === 'full' ? 5 : size === 'quick' ? 3 : 1);
  const warmups = options.warmups ?? (size === 'tiny' ? 0 : 1);
  if (!Number.isInteger(repetitions) || repetitions < 1)
    throw new Error('repetitions must be a whole number ≥ 1.');
  if (!Number.isInteger(warmups) || warmups < 0) throw new Error('warmups must be a whole number ≥ 0.');
  const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const output = options.output ?? ((md: string) => process.stdout.write(md));
  const resultsDir = options.resultsDir === undefined ? DEFAULT_RESULTS_DIR : options.resultsDir;
  const selected = options.scenarios?.length ? options.scenarios.map(findScenario) : listScenarios();

  const machine = machineFacts();
  output(
    `## Eventline benchmarks (${size}, ${repetitions} reps + ${warmups} warm-up)\n\n${machineFactsMarkdown(machine)}\n\n`,
  );
  const runs: BenchRun[] = [];
  for (const scenario of selected) {
    const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), `eventline-bench-${scenario.name}-`));
    const startedAt = new Date();
    const started = process.hrtime.bigint();
    let result: ScenarioResult;
    try {
      progress(`[${scenario.name}] ${scenario.description}`);
      result = await scenario.run({
        size,
        repetitions,
        warmups,
        tmpDir,
        progress: (line) => progress(`[${scenario.name}] ${line}`),
      });
    } finally {
      fs.rmSync(tmpDir, { recursive: true, force: true });
    }
    const durationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const loadAfter = loadAverage();
    output(
      `${renderResult(result, durationSeconds)}- Load average after: ${loadAfter.join(' / ')}${busyWarning(loadAfter[0], machine.logicalCores)}\n\n`,
    );
    let jsonFile: string | null = null;
    if (resultsDir !== null) {
      fs.mkdirSync(resultsDir, { recursive: true });
      jsonFile = path.join(
        resultsDir,
        `${startedAt.toISOString().replace(/[:.]/g, '-')}-${scenario.name}.json`,
      );
      const document = {
        scenario: scenario.name,
        title: result.title,
        startedAt: startedAt.toISOString(),
        durationSeconds,
        options: { size, repetitions, warmups },
        machine,
        loadAverageAfter: loadAfter,
        facts: result.facts ?? {},
        notes: result.notes,
        rows: result.rows,
      };
      fs.writeFileSync(jsonFile, `${JSON.stringify(document, null, 2)}\n`);
      progress(`[${scenario.name}] wrote ${path.relative(process.cwd(), jsonFile)}`);
      for (const artifact of result.artifacts ?? []) {
        const file = jsonFile.replace(/\.json$/, `-${artifact.suffix}`);
        fs.writeFileSync(file, artifact.content);
        progress(`[${scenario.name}] wrote ${path.relative(process.cwd(), file)}`);
      }
    }
    runs.push({ scenario: scenario.name, result, durationSeconds, jsonFile });
  }
  return { machine, runs };
}

export function renderResult(result: ScenarioResult, durationSeconds: number): string {
  const { headers, rows } = result.table;
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const lines = [
    `### ${result.title} (\`${result.scenario}\`, ${durationSeconds.toFixed(1)} s)`,
    '',
    `| ${headers.map(escape).join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`),
    '',
    ...result.notes.map((n) => `- ${n}`),
    '',
  ];
  return lines.join('\n');
}
