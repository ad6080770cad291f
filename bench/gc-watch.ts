import { constants, PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Garbage-collection pauses of this process during a window (what open-loop latency waits out). */
export interface GcWindow {
  /** Young-generation collections (scavenges). */
  readonly minor: number;
  readonly minorMs: number;
  /** Every other kind (mark-sweep-compact, incremental marking steps, weak callbacks). */
  readonly major: number;
  readonly majorMs: number;
  readonly maxPauseMs: number;
}

/**
 * Starts counting GC pauses; the returned function stops and reports them (including entries
 * recorded but not yet delivered to the observer).
 *
 * @example
 * const stop = watchGc(); await work(); const { minorMs } = stop();
 */
export function watchGc(): () => GcWindow {
  const window = { minor: 0, minorMs: 0, major: 0, majorMs: 0, maxPauseMs: 0 };
  const count = (entries: readonly PerformanceEntry[]): void => {
    for (const entry of entries) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
        window.minor++;
        window.minorMs += entry.duration;
      } else {
        window.major++;
        window.majorMs += entry.duration;
      }
      window.maxPauseMs = Math.max(window.maxPauseMs, entry.duration);
    }
  };
  const observer = new PerformanceObserver((list) => count(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    count(observer.takeRecords()); // recorded but not yet delivered
    observer.disconnect();
    return { ...window };
  };
}

let gc: (() => void) | undefined;

/**
 * A full garbage collection now, so that a repetition does not pay for the garbage the ones before it
 * left (JMH does the same between iterations). Uses V8's `gc()` without needing `--expose-gc`.
 */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
