/**
 * The benchmark harness runs end to end: the log scenario at its smallest size, through the
 * harness API. Checks the shape of the result only — a benchmark never asserts timings.
 */
import { runBench, renderResult, scenarioNames } from '../../bench/harness';

describe('benchmark harness', () => {
  it('registers the log scenario', () => {
    expect(scenarioNames()).toContain('log');
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
});
