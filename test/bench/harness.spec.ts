/**
 * The benchmark harness runs end to end: the log scenario at its smallest size, through the
 * harness API. Checks the shape of the result only — a benchmark never asserts timings.
 */
import { runBench, renderResult, scenarioNames } from '../../bench/harness';

describe('benchmark harness', () => {
  it('registers the log and commands scenarios', () => {
    expect(scenarioNames()).toEqual(expect.arrayContaining(['log', 'commands']));
  });

  it('runs the log scenario (tiny) and reports throughput and ratio per row', async () => {
    const printed: string[] = [];
    const report = await runBench({
      scenarios: ['log'],
      size: 'tiny',
      repetitions: 1,
      warmups: 0,
      resultsDir: null,
      progress: () => undefined,
      output: (md) => printed.push(md),
    });

    expect(report.machine.logicalCores).toBeGreaterThan(0);
    expect(report.machine.sqlite).toMatch(/^3\.\d+/);
    expect(report.runs).toHaveLength(1);
    const { result, jsonFile } = report.runs[0];
    expect(jsonFile).toBeNull();

    const ids = result.rows.map((r) => r.id);
    for (const value of ['100B', '1KiB']) {
      expect(ids).toEqual(
        expect.arrayContaining([
          `append/${value}/batch-1/sequential`,
          `append/${value}/batch-1/concurrent-64`,
          `append/${value}/batch-100`,
          `append/${value}/batch-1000`,
          `read/${value}`,
        ]),
      );
    }
    for (const row of result.rows) {
      for (const name of [
        'eventline.recordsPerSec',
        'eventline.megabytesPerSec',
        'raw.recordsPerSec',
        'raw.megabytesPerSec',
      ]) {
        const stats = row.metrics[name];
        expect(stats.samples).toHaveLength(1);
        expect(stats.median).toBeGreaterThan(0);
        expect(Number.isFinite(stats.median)).toBe(true);
        expect(stats.min).toBeLessThanOrEqual(stats.median);
        expect(stats.max).toBeGreaterThanOrEqual(stats.median);
      }
      expect(row.derived.ratio).toBeCloseTo(
        row.metrics['eventline.recordsPerSec'].median / row.metrics['raw.recordsPerSec'].median,
      );
    }

    expect(result.table.rows).toHaveLength(result.rows.length);
    for (const cells of result.table.rows) {
      expect(cells).toHaveLength(result.table.headers.length);
      expect(cells[cells.length - 1]).toMatch(/^\d+%$/);
    }
    const markdown = printed.join('');
    expect(markdown).toContain('| Op | Value |');
    expect(markdown).toContain('SQLite');
    expect(renderResult(result, 1)).toContain('Eventline/raw');
  });

  it('runs the commands scenario (tiny): throughput, latency percentiles, load times by history', async () => {
    const report = await runBench({
      scenarios: ['commands'],
      size: 'tiny',
      repetitions: 1,
      warmups: 0,
      resultsDir: null,
      progress: () => undefined,
      output: () => undefined,
    });
    const { result } = report.runs[0];
    const byId = new Map(result.rows.map((r) => [r.id, r]));
    for (const id of ['throughput/plain', 'throughput/idempotent', 'throughput/uniform']) {
      expect(byId.get(id)?.metrics.commandsPerSec.median).toBeGreaterThan(0);
    }
    for (const id of ['latency/50pct', 'latency/90pct']) {
      const { p50, p99, p999 } = byId.get(id)!.metrics;
      expect(p50.median).toBeGreaterThan(0);
      expect(p99.median).toBeGreaterThanOrEqual(p50.median);
      expect(p999.median).toBeGreaterThanOrEqual(p99.median);
      // The evidence beside the percentiles: GC pauses and CPU per command in the measured window.
      const { gcMsPer1kCommands, maxGcPauseMs, cpuUsPerCommand } = byId.get(id)!.metrics;
      expect(gcMsPer1kCommands.median).toBeGreaterThanOrEqual(0);
      expect(maxGcPauseMs.median).toBeGreaterThanOrEqual(0);
      expect(cpuUsPerCommand.median).toBeGreaterThan(0);
      // The warm-up window (the cold start) is reported on its own row, not mixed into the measured one.
      const cold = byId.get(`${id}/cold-start`)!.metrics;
      expect(cold.p50.median).toBeGreaterThan(0);
      expect(cold.max.median).toBeGreaterThanOrEqual(cold.p99.median);
    }
    for (const mode of ['on', 'off', 'on-cache']) {
      for (const events of [1, 100, 250]) {
        expect(byId.get(`load/snapshots-${mode}/${events}`)?.metrics.loadMs.median).toBeGreaterThan(0);
      }
    }
    // What a load replays: everything without snapshots, what follows the snapshot with them, nothing from the cache.
    expect(byId.get('load/snapshots-off/250')!.derived.eventsReplayed).toBe(250);
    expect(byId.get('load/snapshots-on/250')!.derived.eventsReplayed).toBe(50);
    expect(byId.get('load/snapshots-on-cache/250')!.derived.eventsReplayed).toBe(0);
    expect(result.table.rows).toHaveLength(result.rows.length);
  });
});
