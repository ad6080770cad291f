import type { UnitOfWork } from '../messaging/unit-of-work';

/**
 * In-process locks on aggregate instances, held by a command's unit of work from the moment its
 * handler loads an aggregate until its append settles. Commands on one hot aggregate then queue
 * instead of racing: without them, N concurrent commands on one id all load the same version and
 * N−1 of them lose the optimistic check, re-run, and lose again (a retry storm that ran out of
 * retries under a Zipf load). Across processes the optimistic check still decides alone.
 *
 * No deadlock: a unit waits for a lock only while it holds none; a unit that already holds one
 * takes further locks only if they are free, and otherwise goes on without (optimistically).
 */
export class AggregateLocks {
  /** Waiters per locked key, FIFO; a key is locked while it has an entry. */
  private readonly queues = new Map<string, Array<() => void>>();
  private readonly held = new WeakMap<UnitOfWork, Set<string>>();

  /** Locks `key` for `unit` (see the class comment for when it waits). */
  async lock(unit: UnitOfWork, key: string): Promise<void> {
    let mine = this.held.get(unit);
    if (mine?.has(key)) return;
    if (!this.queues.has(key)) {
      this.queues.set(key, []);
    } else if (mine && mine.size > 0) {
      return; // holding a lock: never wait for another
    } else {
      await new Promise<void>((resolve) => this.queues.get(key)!.push(resolve));
    }
    if (!mine) this.held.set(unit, (mine = new Set()));
    mine.add(key);
  }

  /** Releases every lock of `unit`, handing each to its next waiter. Safe to call more than once. */
  release(unit: UnitOfWork): void {
    const mine = this.held.get(unit);
    if (!mine) return;
    this.held.delete(unit);
    for (const key of mine) {
      const next = this.queues.get(key)!.shift();
      if (next) next();
      else this.queues.delete(key);
    }
  }
}
