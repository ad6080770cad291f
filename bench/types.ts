/** Shapes shared by the harness and its scenarios. A benchmark measures; it never asserts timings. */

/** How big a run is: `full` for the numbers you publish, `quick` for a smoke run, `tiny` for the jest spec. */
export type BenchSize = 'tiny' | 'quick' | 'full';

/** Summary of one measured quantity over the timed repetitions (warm-up excluded). */
export interface Stats {
  readonly unit: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Interquartile range (linear interpolation); equal to min/max with fewer than 4 samples. */
  readonly q1: number;
  readonly q3: number;
  readonly samples: readonly number[];
}

export interface ResultRow {
  /** Stable identifier, e.g. `append/100B/batch-100`: the key to compare runs by. */
  readonly id: string;
  /** What was run: operation, value size, batch size, concurrency… */
  readonly params: Readonly<Record<string, string | number>>;
  /** Measured quantities by name, e.g. `eventline.recordsPerSec`. */
  readonly metrics: Readonly<Record<string, Stats>>;
  /** Derived figures, e.g. `ratio` = Eventline median / raw median. */
  readonly derived: Readonly<Record<string, number>>;
}

export interface MarkdownTable {
  readonly headers: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

export interface ScenarioResult {
  readonly scenario: string;
  readonly title: string;
  readonly rows: readonly ResultRow[];
  readonly table: MarkdownTable;
  /** Method notes printed under the table (what is measured, how the baseline is made fair). */
  readonly notes: readonly string[];
  /** Scenario-specific facts worth keeping with the result (sizes, pragmas, versions). */
  readonly facts?: Readonly<Record<string, unknown>>;
  /** Extra files (e.g. an SVG chart) written next to the JSON as `<timestamp>-<scenario>-<suffix>`. */
  readonly artifacts?: ReadonlyArray<{ readonly suffix: string; readonly content: string }>;
}

export interface ScenarioContext {
  readonly size: BenchSize;
  /** Timed repetitions per measurement. */
  readonly repetitions: number;
  /** Untimed runs before the timed ones. */
  readonly warmups: number;
  /** A directory under os.tmpdir() owned by this scenario run, removed afterwards. */
  readonly tmpDir: string;
  /** One line of progress on stderr (silent in tests). */
  progress(message: string): void;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  run(context: ScenarioContext): Promise<ScenarioResult>;
}
