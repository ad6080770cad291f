/**
 * How the `peers` scenario talks to its drivers. Every system (Eventline and each peer) runs in
 * its own child process — peers need their own node_modules (NestJS 10, sqlite3) — reads a job
 * file, runs the workload, and prints one JSON line (`DriverResult`) as the last line of stdout.
 * The JavaScript drivers in bench/peers/ follow the same shapes (see bench/peers/driver-support.cjs).
 */

export type PeerBackend = 'sqlite' | 'postgresql';

export interface DriverJob {
  readonly workloadFile: string;
  readonly backend: PeerBackend;
  /** A directory of its own for database files. */
  readonly dir: string;
  /** postgresql://… of a fresh database created for this run (PostgreSQL backend only). */
  readonly pgUrl?: string;
  /** Eventline only: false = no projection runner, the write path alone (the diagnostic row). */
  readonly projection?: boolean;
  /** Eventline only: every command also waits until its events are in the read model (waitFor), as an inline projection does. */
  readonly readYourWrites?: boolean;
}

export interface DriverResult {
  readonly system: string;
  readonly backend: PeerBackend;
  readonly commands: number;
  /** From the first timed command to the last one acknowledged. */
  readonly commandsSeconds: number;
  /** From the first timed command until the read model holds every event (= commandsSeconds for inline projections). */
  readonly endToEndSeconds: number;
  /**
   * CPU time of the driver process (user + system, every thread: libuv's pool too) over the same
   * span: what the work costs, whatever else runs on the machine.
   */
  readonly cpuSeconds: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly p999: number };
  readonly readModel: { readonly accounts: number; readonly totalBalance: number; readonly events: number };
  readonly rejected: number;
  readonly rssMiB: number;
  /** RSS once the modules were loaded, before any work: `rssMiB` minus this is what the run grew. */
  readonly idleRssMiB: number;
  readonly facts: Readonly<Record<string, string | number | boolean>>;
}

/** Quantile of unsorted samples (nearest rank), for latencies. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
