import type { UnitOfWork } from '../messaging/unit-of-work';

/**
 * An aggregate's state handed to the next command together with its lock: what the commands before
 * it decided, staged in a merged append that is NOT written yet (see MergedAppend in commands).
 */
export interface Handover {
  readonly key: string;
  /** The aggregate's version after the staged events. */
  readonly version: number;
  /** `snapshot()` JSON after the staged events: each load restores its own copy. */
  readonly state: string;
  /** The merged append the state belongs to; the next command joins it. */
  readonly group: object;
}

interface Waiter {
  readonly unit: UnitOfWork;
  readonly grant: (handover?: Handover) => void;
}

/**
 * In-process locks on aggregate instances, held by a command's unit of work from the moment its
 * handler loads an aggregate until its append settles. Commands on one hot aggregate then queue
 * instead of racing: without them, N concurrent commands on one id all load the same version and
 * N−1 of them lose the optimistic check, re-run, and lose again (a retry storm that ran out of
 * retries under a Zipf load). Across processes the optimistic check still decides alone.
 *
 * A lock can also pass to the next waiter WITH the state the previous commands left (handOver): the
 * commands then go into one append together. Between them the lock belongs to no unit (detach).
 *
 * No deadlock: a unit waits for a lock only while it holds none; a unit that already holds one
 * takes further locks only if they are free, and otherwise goes on without (optimistically).
 */
export class AggregateLocks {
  /** Waiters per locked key, FIFO; a key is locked while it has an entry. */
  private readonly queues = new Map<string, Waiter[]>();
  private readonly held = new WeakMap<UnitOfWork, Set<string>>();
  private readonly handed = new WeakMap<UnitOfWork, Handover>();
  private readonly solo = new WeakSet<UnitOfWork>();

  /** Locks `key` for `unit` (see the class comment for when it waits). */
  async lock(unit: UnitOfWork, key: string): Promise<void> {
    let mine = this.held.get(unit);
    if (mine?.has(key)) return;
    if (!this.queues.has(key)) {
      this.queues.set(key, []);
    } else if (mine && mine.size > 0) {
      return; // holding a lock: never wait for another
    } else {
      const handover = await new Promise<Handover | undefined>((grant) =>
        this.queues.get(key)!.push({ unit, grant }),
      );
      if (handover) this.handed.set(unit, handover);
    }
    if (!mine) this.held.set(unit, (mine = new Set()));
    mine.add(key);
  }

  /** The state handed to `unit` with its lock on `key`, if it was handed over (else: load from the log). */
  handoverOf(unit: UnitOfWork, key?: string): Handover | undefined {
    const handover = this.handed.get(unit);
    return handover && (key === undefined || handover.key === key) ? handover : undefined;
  }

  holds(unit: UnitOfWork, key: string): boolean {
    return this.held.get(unit)?.has(key) ?? false;
  }

  /** This unit takes no handed-over state: its lock comes only once the key is free of pending appends. */
  takeNoHandover(unit: UnitOfWork): void {
    this.solo.add(unit);
  }

  /** Takes `key` from `unit` WITHOUT unlocking it: a merged append holds it now, until handOver or unlock. */
  detach(unit: UnitOfWork, key: string): void {
    this.held.get(unit)?.delete(key);
  }

  /** Passes the detached `key` with `handover` to its next waiter, if there is one that takes handed-over state. */
  handOver(key: string, handover: Handover): boolean {
    const queue = this.queues.get(key)!;
    const next = queue[0];
    if (!next || this.solo.has(next.unit)) return false;
    queue.shift();
    next.grant(handover);
    return true;
  }

  /** Unlocks a detached `key` for its next waiter (who loads from the log). */
  unlock(key: string): void {
    const next = this.queues.get(key)?.shift();
    if (next) next.grant();
    else this.queues.delete(key);
  }

  /** Releases every lock of `unit`, handing each to its next waiter. Safe to call more than once. */
  release(unit: UnitOfWork): void {
    const mine = this.held.get(unit);
    if (!mine) return;
    this.held.delete(unit);
    for (const key of mine) this.unlock(key);
  }
}
