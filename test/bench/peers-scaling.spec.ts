/**
 * The peers and scaling scenarios run end to end at their smallest size, through the harness API,
 * with their child processes. Shapes only — a benchmark never asserts timings. The peers scenario
 * runs its Eventline rows (peer rows too when bench/peers/node_modules is installed) and checks
 * every read model against the sequential fold itself, so a wrong projection fails this spec.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chartSvg, niceCeiling } from '../../bench/chart';
import { runBench, scenarioNames } from '../../bench/harness';
import { expectedReadModel, makeLedgerWorkload } from '../../bench/scenarios/peers-workload';

jest.setTimeout(240_000);

const quiet = { size: 'tiny' as const, repetitions: 1, warmups: 0, progress: () => undefined };

describe('ledger workload', () => {
  it('is deterministic, Zipf-skewed towards the first accounts, and folds to what it reports', () => {
    const shape = { accounts: 50, commands: 2_000, warmupCommands: 10, seed: 3 };
    const a = makeLedgerWorkload(shape);
    expect(makeLedgerWorkload(shape)).toEqual(a);
    expect(a.commands).toHaveLength(2_000);
    const hits = (id: string) => a.commands.filter((c) => c.account === id).length;
    expect(hits('acc-0')).toBeGreaterThan(5 * hits('acc-40'));
    expect(a.warmup.every((c) => c.account.startsWith('warm-'))).toBe(true);
    expect(new Set(a.commands.map((c) => c.kind))).toEqual(new Set(['deposit', 'withdraw', 'transfer']));
    expect(a.commands.every((c) => c.kind !== 'transfer' || c.to !== c.account)).toBe(true);
    expect(expectedReadModel(a.commands)).toEqual(a.expected);
    expect(a.expected.rejected).toBeGreaterThan(0);
  });

  it('rejects a withdrawal above the balance and moves transfers between accounts', () => {
    expect(
      expectedReadModel([
        { kind: 'deposit', account: 'a', amount: 10 },
        { kind: 'withdraw', account: 'a', amount: 11 },
        { kind: 'transfer', account: 'a', to: 'b', amount: 4 },
        { kind: 'transfer', account: 'b', to: 'a', amount: 5 },
      ]),
    ).toEqual({ accounts: 2, totalBalance: 10, events: 3, rejected: 2 });
  });
});

describe('chart', () => {
  it('renders well-formed SVG with one path per series and escaped labels', () => {
    const svg = chartSvg(
      'A <title> & more',
      [
        {
          title: 'p',
          xLabel: 'x',
          yLabel: 'y',
          xScale: 'log',
          series: [
            {
              name: 'one',
              points: [
                { x: 10, y: 1 },
                { x: 1000, y: 3 },
              ],
            },
            {
              name: 'two',
              dashed: true,
              points: [
                { x: 10, y: 2 },
                { x: 1000, y: 2 },
              ],
            },
          ],
        },
      ],
      'footer',
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('A &#60;title&#62; &#38; more');
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray');
    expect([niceCeiling(0), niceCeiling(7), niceCeiling(12), niceCeiling(480)]).toEqual([1, 10, 20, 500]);
  });
});

describe('peers and scaling scenarios', () => {
  it('are registered', () => {
    expect(scenarioNames()).toEqual(expect.arrayContaining(['peers', 'scaling']));
  });

  it('peers (tiny): an Eventline SQLite row with throughput, latency and a checked read model', async () => {
    const report = await runBench({
      ...quiet,
      scenarios: ['peers'],
      resultsDir: null,
      output: () => undefined,
    });
    const { result } = report.runs[0];
    const eventline = result.rows.find((r) => r.id === 'eventline/sqlite');
    expect(eventline).toBeDefined();
    for (const name of ['endToEndCommandsPerSec', 'acknowledgedCommandsPerSec', 'latencyP99Ms', 'rssMiB']) {
      expect(eventline!.metrics[name].median).toBeGreaterThan(0);
    }
    for (const row of result.rows.filter((r) => r.params.system !== 'eventline')) {
      expect(row.derived.eventlineOverPeer).toBeGreaterThan(0);
    }
    expect(result.table.rows).toHaveLength(result.rows.length);
    const installed = fs.existsSync(path.join(__dirname, '../../bench/peers/node_modules/@event-driven-io'));
    if (!installed) expect(result.notes.join('\n')).toContain('PEERS SKIPPED');
  });

  it('scaling (tiny): rows per size and per process count, and an SVG chart written next to the JSON', async () => {
    const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventline-bench-results-'));
    try {
      const report = await runBench({
        ...quiet,
        scenarios: ['scaling'],
        resultsDir,
        output: () => undefined,
      });
      const { result, jsonFile } = report.runs[0];
      expect(result.rows.map((r) => r.id)).toEqual(['size/500', 'size/1000', 'processes/1', 'processes/2']);
      for (const row of result.rows) expect(row.metrics.appendEventsPerSec.median).toBeGreaterThan(0);
      expect(result.rows[0].derived.appendVsSmallest).toBe(1);
      const chartFile = jsonFile!.replace(/\.json$/, '-chart.svg');
      const svg = fs.readFileSync(chartFile, 'utf8');
      expect(svg).toContain('<svg');
      expect(svg.match(/<path /g)!.length).toBeGreaterThanOrEqual(5);
    } finally {
      fs.rmSync(resultsDir, { recursive: true, force: true });
    }
  });
});
