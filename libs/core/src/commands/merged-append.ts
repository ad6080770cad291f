import { CommitExtras, CommitResult, EventStore } from '../aggregates/event-store';
import { Handover } from '../aggregates/aggregate-locks';
import { MessageContext, MessageContexts } from '../messaging/message-context';
import { UnitOfWork } from '../messaging/unit-of-work';

/** Commands per merged append at most: the first waits for the last, so this bounds its latency. */
export const MAX_MERGED_COMMANDS = 64;

interface Member {
  readonly unit: UnitOfWork;
  readonly extras?: CommitExtras;
  readonly resolve: (result: CommitResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The commands of this process queued on one aggregate, appended as ONE atomic append. The first
 * command decides on the state it loaded; instead of appending at once it hands the aggregate's lock
 * on WITH its resulting state (not yet written) to the next queued command, which decides on that
 * state and joins, and so on. When nobody waits (or MAX_MERGED_COMMANDS joined) the append goes out:
 * one expectation, the version before the first command; every command's events, snapshot and
 * idempotency record in it; all or nothing. A conflict fails every member, each retried on its own
 * per its retry policy. Until the append settles the aggregate stays locked, so nothing can decide
 * on the unwritten state afterwards; the members' answers are given only after it is written.
 */
export class MergedAppend {
  private readonly members: Member[] = [];
  /** Made on the first keyed member: most merged appends are one command without a key. */
  private idempotencyKeys: Set<string> | undefined;
  private version: number;
  private state: string;
  private flushed = false;
  private done!: () => void;
  /** Resolves once the append settled, written or not. */
  readonly settled = new Promise<void>((resolve) => (this.done = resolve));

  constructor(
    private readonly store: EventStore,
    /** The aggregate's lock key (AggregateLocks): the merged append holds it between commands. */
    readonly lockKey: string,
    start: { readonly version: number; readonly state: string },
    private readonly context: MessageContext,
  ) {
    this.version = start.version;
    this.state = start.state;
  }

  /** The aggregate's state after the members so far, for the next command. */
  handover(): Handover {
    return { key: this.lockKey, version: this.version, state: this.state, group: this };
  }

  /** True if a unit can join: it staged nothing, or one stream on this aggregate chained to the state it got. */
  accepts(unit: UnitOfWork, idempotencyKey?: string): boolean {
    if (this.flushed || this.members.length >= MAX_MERGED_COMMANDS) return false;
    if (idempotencyKey !== undefined && this.idempotencyKeys?.has(idempotencyKey)) return false;
    const staged = unit.staged();
    if (staged.length === 0) return true;
    const [stream] = staged;
    return (
      staged.length === 1 &&
      `${stream.topic}\u0000${stream.id}` === this.lockKey &&
      stream.expectedVersion === this.version &&
      stream.cachedState !== undefined
    );
  }

  /** Adds a unit (check `accepts` first); resolves with its own part of the append once it is written. */
  join(unit: UnitOfWork, extras?: CommitExtras, idempotencyKey?: string): Promise<CommitResult> {
    const [stream] = unit.staged();
    if (stream?.cachedState) {
      this.version = stream.cachedState.version;
      this.state = stream.cachedState.state;
    }
    if (idempotencyKey !== undefined) (this.idempotencyKeys ??= new Set()).add(idempotencyKey);
    return new Promise((resolve, reject) => this.members.push({ unit, extras, resolve, reject }));
  }

  /** Passes the (detached) lock to the next queued command with the state so far, or appends if nobody takes it. */
  passOn(): void {
    const full = this.members.length >= MAX_MERGED_COMMANDS;
    if (full || !this.store.locks.handOver(this.lockKey, this.handover())) this.flush();
  }

  private flush(): void {
    if (this.flushed) return;
    this.flushed = true;
    const members = this.members;
    MessageContexts.run(this.context, () => this.store.commitAll(members))
      .then(
        (results) => members.forEach((m, i) => m.resolve(results[i])),
        (error: unknown) => members.forEach((m) => m.reject(error)),
      )
      .finally(() => {
        this.store.locks.unlock(this.lockKey);
        this.done();
      });
  }
}
