import { RecordPosition } from '../log/record';
import { ProjectionWaitTimeoutError } from './projection-errors';
import { partitionId } from './projection-status';
import { ReadModelStore } from './read-model-store';

/** What the waiter learns from the runner of its process. */
export interface LocalRunner {
  /** True when this process's runner has itself committed a batch past the position (no store read needed). */
  applied(position: RecordPosition): boolean;
  /** A wait begins: a runner holding a batch back applies it now. */
  waitBegins(): void;
}

/**
 * Read-your-writes: waits until a projection's committed checkpoints pass given positions.
 * Positions the local runner committed itself answer from memory; the others are read from the
 * store, so partitions applied by other members count too. Re-checks on local commits at once and
 * every `pollMs` for commits elsewhere.
 */
export class CheckpointWaiter {
  private readonly listeners = new Set<() => void>();
  private waits = 0;

  constructor(
    private readonly projection: string,
    private readonly store: ReadModelStore<unknown>,
    /** Only checkpoints of this version count: during a version-bump rebuild the old model does not answer. */
    private readonly version: number,
    private readonly local: LocalRunner,
    private readonly pollMs = 25,
  ) {}

  /** Whether some caller of this process is waiting for positions right now. */
  get waiting(): boolean {
    return this.waits > 0;
  }

  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  async waitFor(positions: readonly RecordPosition[], timeoutMs: number): Promise<void> {
    if (positions.every((p) => this.local.applied(p))) return;
    this.waits += 1;
    this.local.waitBegins();
    try {
      await this.poll(positions, timeoutMs);
    } finally {
      this.waits -= 1;
    }
  }

  private async poll(positions: readonly RecordPosition[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pending = await this.pending(positions.filter((p) => !this.local.applied(p)));
      if (pending.length === 0) return;
      const left = deadline - Date.now();
      if (left <= 0) throw new ProjectionWaitTimeoutError(this.projection, timeoutMs, pending);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.listeners.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, this.pollMs));
        this.listeners.add(done);
      });
    }
  }

  /** Positions not yet applied, as `topic:partition@offset`. */
  private async pending(positions: readonly RecordPosition[]): Promise<string[]> {
    const next = new Map(
      (await this.store.checkpoints(this.projection))
        .filter((c) => c.version === this.version)
        .map((c) => [partitionId(c), c.nextOffset]),
    );
    return positions
      .filter((p) => (next.get(partitionId(p)) ?? 0) <= p.offset)
      .map((p) => `${partitionId(p)}@${p.offset}`);
  }
}
