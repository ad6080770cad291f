/** The `replay` benchmark runs end to end at its smallest size; every replay checks its read model against the fold. */
import { runBench } from '../../bench/harness';

describe('replay benchmark (tiny)', () => {
  it('replays into SQLite (and PostgreSQL when reachable) and reports events/s per variant', async () => {
    const report = await runBench({
      scenarios: ['replay'],
      size: 'tiny',
      repetitions: 1,
      warmups: 0,
      resultsDir: null,
      progress: () => undefined,
      output: () => undefined,
    });
    const { result } = report.runs[0];
    const ids = result.rows.map((r) => r.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'replay/sqlite/rebuild',
        'replay/sqlite/catch-up',
        'replay/sqlite/rebuild-per-event',
      ]),
    );
    for (const row of result.rows.filter((r) => r.id.startsWith('replay/'))) {
      expect(row.params.events).toBe(2_000);
      expect(row.metrics.eventsPerSec.median).toBeGreaterThan(0);
    }
    const lag = result.rows.find((r) => r.id === 'lag/sqlite/steady');
    expect(lag?.derived.appendedPerSec).toBeGreaterThan(0);
    expect(lag?.derived.readYourWritesP50Ms).toBeGreaterThan(0);
  });
});
