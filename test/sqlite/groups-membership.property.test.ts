import fc from 'fast-check';
import {
  AssignorName,
  GroupDescription,
  StaleGenerationError,
  TopicPartition,
  UnknownMemberError,
} from '@eventline/core';
import { GroupsFixture, openGroupsFixture } from './groups-fixture';

/**
 * Model-based: whatever members do — join, rejoin, leave, heartbeat, die (the clock passes their
 * session timeout), commit — the group's assignment covers every partition exactly once with live
 * members only, and a fenced member (dead, left, or on an old generation) can never commit.
 *
 * The model mirrors the coordinator's lazy expiry: nobody runs a timer, so a dead member's row
 * stays until the next group call, which removes it and rebalances. Invariants are checked only at
 * 'check' steps (describeGroup expires too), so the other calls do meet unexpired dead members.
 */
const TOPICS = [
  { name: 'orders', partitions: 5 },
  { name: 'audit', partitions: 3 },
];
const SUBSCRIPTION = ['orders', 'audit'];
const ALL = TOPICS.flatMap((t) => Array.from({ length: t.partitions }, (_, p) => `${t.name}/${p}`)).sort();
const TIMEOUTS = [300, 1000, 2500];

type Op =
  | { kind: 'join'; timeout: number }
  | { kind: 'heartbeat' | 'leave' | 'die' | 'commit' | 'rejoin'; who: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'check' };

const who = <K extends string>(kind: K) => fc.record({ kind: fc.constant(kind), who: fc.nat(20) });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('join' as const), timeout: fc.constantFrom(...TIMEOUTS) }),
    weight: 2,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 1200 }) }),
    weight: 2,
  },
  { arbitrary: who('die'), weight: 2 },
  { arbitrary: who('heartbeat'), weight: 3 },
  { arbitrary: who('commit'), weight: 3 },
  { arbitrary: who('rejoin'), weight: 2 },
  { arbitrary: who('leave'), weight: 2 },
  { arbitrary: fc.constant({ kind: 'check' as const }), weight: 2 },
);

/** What one member knows: its id, session and the last assignment it was told. */
interface Member {
  readonly id: string;
  readonly timeout: number;
  lastHeartbeat: number;
  generation: number;
  partitions: readonly TopicPartition[];
}

/** The group as the coordinator stores it: rows present (dead or not) and the generation. */
class GroupModel {
  readonly rows = new Set<Member>();
  generation = 0;
  /** A join (or rejoin) since the last check: then survivors may rightly give partitions up. */
  joined = false;

  constructor(private readonly now: () => number) {}

  /** Removes expired rows; true if any went (the caller decides whether that bumps the generation). */
  removeExpired(): boolean {
    const dead = [...this.rows].filter((m) => m.lastHeartbeat + m.timeout < this.now());
    dead.forEach((m) => this.rows.delete(m));
    return dead.length > 0;
  }

  expire(): void {
    if (this.removeExpired()) this.generation++;
  }

  join(m: Member): void {
    this.joined = true;
    const changed = this.removeExpired();
    const present = [...this.rows].find((r) => r.id === m.id);
    if (present) {
      this.rows.delete(present);
      this.rows.add(m);
    } else this.rows.add(m);
    if (changed || !present) this.generation++;
  }

  leave(m: Member): void {
    const left = this.rows.delete(m);
    if (this.removeExpired() || left) this.generation++;
  }
}

const key = (tp: TopicPartition): string => `${tp.topic}/${tp.partition}`;

describe('consumer groups on SQLite: membership properties', () => {
  let f: GroupsFixture;
  let run = 0;

  beforeAll(async () => {
    f = openGroupsFixture();
    await f.log.createTopics(TOPICS);
  });
  afterAll(() => f.dispose());

  it('every partition is owned by exactly one live member, and fenced members cannot commit', async () => {
    const assignors = fc.constantFrom<AssignorName>('range', 'roundrobin', 'sticky');
    await fc.assert(
      fc.asyncProperty(assignors, fc.array(op, { maxLength: 40 }), async (assignor, ops) => {
        const groupId = `g-${run++}`;
        const model = new GroupModel(() => f.now);
        const members: Member[] = [];
        const join = async (timeout: number, id?: string): Promise<Member> => {
          const a = await f.log.joinGroup({
            groupId,
            memberId: id,
            topics: SUBSCRIPTION,
            assignor,
            sessionTimeoutMs: timeout,
          });
          const m: Member = {
            id: a.memberId,
            timeout,
            lastHeartbeat: f.now,
            generation: a.generation,
            partitions: a.partitions,
          };
          model.join(m);
          expect(a.generation).toBe(model.generation);
          return m;
        };
        const check = async (previous?: GroupDescription): Promise<GroupDescription> => {
          model.expire();
          const d = await f.log.describeGroup(groupId);
          checkInvariants(d, model, assignor, model.joined ? undefined : previous);
          model.joined = false;
          return d;
        };
        members.push(await join(1000));
        let previous = await check();

        for (const step of ops) {
          const i = 'who' in step ? step.who % members.length : -1;
          const m = members[i];
          switch (step.kind) {
            case 'join':
              members.push(await join(step.timeout));
              break;
            case 'rejoin':
              // Present: a refresh that moves nothing. Expired or left: a new member reusing its id.
              members[i] = await join(m.timeout, m.id);
              break;
            case 'advance':
              f.advance(step.ms);
              break;
            case 'die':
              f.now = Math.max(f.now, m.lastHeartbeat + m.timeout + 1);
              break;
            case 'leave':
              await f.log.leaveGroup(groupId, m.id);
              model.leave(m);
              break;
            case 'heartbeat': {
              model.expire();
              const hb = f.log.heartbeat(groupId, m.id, m.generation);
              if (!model.rows.has(m)) {
                await expect(hb).rejects.toBeInstanceOf(UnknownMemberError);
                break;
              }
              const result = await hb;
              expect(result.generation).toBe(model.generation);
              expect(result.rebalanced).toBe(result.generation !== m.generation);
              Object.assign(m, {
                lastHeartbeat: f.now,
                generation: result.generation,
                partitions: result.partitions,
              });
              break;
            }
            case 'commit': {
              model.expire();
              const offsets = m.partitions.map((tp) => ({ ...tp, offset: f.now % 1000 }));
              const commit = f.log.commitOffsets(groupId, m.id, m.generation, offsets);
              if (!model.rows.has(m)) await expect(commit).rejects.toBeInstanceOf(UnknownMemberError);
              else if (m.generation !== model.generation)
                await expect(commit).rejects.toBeInstanceOf(StaleGenerationError);
              else {
                await commit;
                m.lastHeartbeat = f.now;
              }
              break;
            }
            case 'check':
              previous = await check(previous);
              break;
          }
        }
        await check(previous);
      }),
      { numRuns: 300 },
    );
  });
});

function checkInvariants(
  d: GroupDescription,
  model: GroupModel,
  assignor: AssignorName,
  previous?: GroupDescription,
): void {
  const live = [...model.rows];
  expect(d.generation).toBe(model.generation);
  expect(d.members.map((m) => m.memberId).sort()).toEqual(live.map((m) => m.id).sort());
  expect(d.state).toBe(live.length > 0 ? 'Stable' : 'Empty');
  const owned = d.members.flatMap((m) => m.partitions.map(key)).sort();
  expect(owned).toEqual(live.length > 0 ? ALL : []);
  const counts = d.members.map((m) => m.partitions.length);
  if (assignor !== 'range' && counts.length > 0)
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  for (const m of live) {
    // A member told about the current generation was told the current assignment.
    if (m.generation === d.generation)
      expect(d.members.find((x) => x.memberId === m.id)!.partitions).toEqual(m.partitions);
  }
  if (
    previous &&
    assignor === 'sticky' &&
    d.members.every((m) => previous.members.some((p) => p.memberId === m.memberId))
  ) {
    // Only removals since the last look: the sticky assignor must not take anything from a survivor.
    for (const m of d.members) {
      const before = previous.members.find((p) => p.memberId === m.memberId)!.partitions.map(key);
      expect(m.partitions.map(key)).toEqual(expect.arrayContaining(before));
    }
  }
}
