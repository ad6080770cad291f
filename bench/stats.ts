import { Stats } from './types';

export function summarize(samples: readonly number[], unit: string): Stats {
  if (samples.length === 0) throw new Error('No samples to summarize.');
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    unit,
    median: quantile(sorted, 0.5),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    samples: [...samples],
  };
}

/** Quantile of sorted data with linear interpolation between closest ranks. */
export function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** 1234567 → "1.23M", 45678 → "45.7k", 812 → "812". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toPrecision(3)}G`;
  if (abs >= 1e6) return `${(n / 1e6).toPrecision(3)}M`;
  if (abs >= 1e3) return `${(n / 1e3).toPrecision(3)}k`;
  return abs >= 100 ? n.toFixed(0) : n.toPrecision(3);
}

/** Median with its min–max spread, e.g. "45.7k (44.1k–46.0k)". */
export function formatStats(s: Stats, format: (n: number) => string = formatCount): string {
  return `${format(s.median)} (${format(s.min)}–${format(s.max)})`;
}

export function formatNumber(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : String(n);
}
