import { ConflictError } from '../errors';
import { GroupAssignment, JoinGroupRequest, OffsetCommit } from '../log/consumer-group';
import { EventLog } from '../log/event-log';

const FENCED = new Set(['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

/**
 * One member of a consumer group: joins, heartbeats on an unref'd timer, commits offsets and
 * leaves. Heartbeats only record what they learn (a new assignment, a fence); the owner takes it
 * with `sync()` between batches, so assignments never change in the middle of one.
 */
export class GroupMembership {
  private memberId: string | undefined;
  private current: GroupAssignment | undefined;
  private pending: GroupAssignment | undefined;
  private rejoin = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: EventLog,
    private readonly request: Omit<JoinGroupRequest, 'memberId'>,
    private readonly heartbeatIntervalMs: number,
    /** Called when a heartbeat learnt something, to cut an idle wait short; and with its errors. */
    private readonly listener: { changed(): void; error(error: unknown): void },
  ) {}

  get assignment(): GroupAssignment | undefined {
    return this.current;
  }

  async join(): Promise<GroupAssignment> {
    this.current = await this.log.joinGroup({
      ...this.request,
      ...(this.memberId ? { memberId: this.memberId } : {}),
    });
    this.memberId = this.current.memberId;
    this.pending = undefined;
    this.rejoin = false;
    return this.current;
  }

  startHeartbeats(): void {
    this.timer = setInterval(() => void this.beat(), this.heartbeatIntervalMs);
    this.timer.unref();
  }

  stopHeartbeats(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The new assignment if a heartbeat or a fenced commit asked for one since the last call. */
  async sync(): Promise<GroupAssignment | undefined> {
    if (this.rejoin) return this.join();
    const next = this.pending;
    this.pending = undefined;
    if (next) this.current = next;
    return next;
  }

  /** Commits offsets at the current generation; a fence is not an error: it schedules a rejoin. */
  async commit(offsets: readonly OffsetCommit[]): Promise<void> {
    const current = this.current;
    if (!current || offsets.length === 0) return;
    try {
      await this.log.commitOffsets(current.groupId, current.memberId, current.generation, offsets);
    } catch (error) {
      if (!isFenced(error)) throw error;
      this.rejoin = true;
    }
  }

  /** Leaves the group (its partitions move to the others at once); a later join gets a fresh id. */
  async leave(): Promise<void> {
    this.stopHeartbeats();
    const memberId = this.memberId;
    this.memberId = undefined;
    this.current = undefined;
    this.pending = undefined;
    if (memberId) await this.log.leaveGroup(this.request.groupId, memberId).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    const current = this.current;
    if (!current || this.timer === undefined) return;
    try {
      const result = await this.log.heartbeat(current.groupId, current.memberId, current.generation);
      if (!result.rebalanced) return;
      this.pending = result;
      this.listener.changed();
    } catch (error) {
      if (!isFenced(error)) return this.listener.error(error);
      this.rejoin = true;
      this.listener.changed();
    }
  }
}

function isFenced(error: unknown): boolean {
  return error instanceof ConflictError && FENCED.has(error.code);
}
