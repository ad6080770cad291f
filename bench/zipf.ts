/**
 * A seeded Zipf sampler over 0..n-1: rank k is drawn with probability ∝ 1 / (k+1)^s. A cumulative
 * table and a binary search: exact, O(log n) per draw, deterministic for a seed.
 */
export function zipfSampler(n: number, s: number, seed: number): () => number {
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) cumulative[k] = sum += 1 / Math.pow(k + 1, s);
  const random = mulberry32(seed);
  return () => {
    const target = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** A small seeded PRNG (mulberry32): the same workload on every run and machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded uniform sampler over 0..n-1 (the no-skew comparison). */
export function uniformSampler(n: number, seed: number): () => number {
  const random = mulberry32(seed);
  return () => Math.floor(random() * n);
}
