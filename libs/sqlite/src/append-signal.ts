import type Database from 'better-sqlite3';

/**
 * Wakes long-polling readers when the log changes: at once for appends of this process, and
 * within `pollMs` for commits of other processes (seen through PRAGMA data_version, which
 * changes when another connection commits). Fixed sleeps would dominate projection lag.
 */
export class AppendSignal {
  private waiters = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private lastVersion: number;

  constructor(
    private readonly db: Database.Database,
    private readonly pollMs = 5,
  ) {
    this.lastVersion = this.dataVersion();
  }

  /** Resolves on the next append (here or in another process) or after `timeoutMs`. */
  wait(timeoutMs: number): Promise<void> {
    if (timeoutMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timeout);
        this.waiters.delete(done);
        if (this.waiters.size === 0) this.stopPolling();
        resolve();
      };
      const timeout = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      this.startPolling();
    });
  }

  notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  close(): void {
    this.notify();
    this.stopPolling();
  }

  private startPolling(): void {
    if (this.timer) return;
    this.lastVersion = this.dataVersion();
    this.timer = setInterval(() => {
      const v = this.dataVersion();
      if (v !== this.lastVersion) {
        this.lastVersion = v;
        this.notify();
      }
    }, this.pollMs);
    this.timer.unref();
  }

  private stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }
}
