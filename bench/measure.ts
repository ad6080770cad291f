import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { ScenarioContext } from './types';

/** One thing to time, prepared afresh for every repetition; only `run` is timed. */
export interface Variant {
  readonly name: string;
  prepare(): Promise<PreparedRun> | PreparedRun;
}

export interface PreparedRun {
  run(): Promise<void> | void;
  dispose(): Promise<void> | void;
}

/**
 * Times each variant `warmups + repetitions` times and returns the timed seconds per variant.
 * Variants are interleaved (A B, B A, A B, …) so drift of the machine (page cache, thermal,
 * a neighbour on the host) hits all of them alike; the heap is collected before each timed run.
 */
export async function timeVariants(
  context: ScenarioContext,
  label: string,
  variants: readonly Variant[],
): Promise<Map<string, number[]>> {
  const seconds = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const total = context.warmups + context.repetitions;
  for (let i = 0; i < total; i++) {
    const warm = i < context.warmups;
    const order = i % 2 === 0 ? variants : [...variants].reverse();
    for (const variant of order) {
      const prepared = await variant.prepare();
      try {
        collectGarbage();
        const start = process.hrtime.bigint();
        await prepared.run();
        const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
        if (!warm) seconds.get(variant.name)!.push(elapsed);
        context.progress(
          `${label} · ${variant.name} · ${warm ? `warm-up ${i + 1}/${context.warmups}` : `rep ${i - context.warmups + 1}/${context.repetitions}`} · ${elapsed.toFixed(3)} s`,
        );
      } finally {
        await prepared.dispose();
      }
    }
  }
  return seconds;
}

let gc: (() => void) | undefined | null;

/** A full GC between runs, without needing `--expose-gc` on the command line. */
function collectGarbage(): void {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
