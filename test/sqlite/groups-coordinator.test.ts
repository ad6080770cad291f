import {
  ConflictError,
  InvalidConfigError,
  NotFoundError,
  StaleGenerationError,
  UnknownMemberError,
  UnknownTopicError,
  ValidationError,
} from '@eventline/core';
import { GroupsFixture, openGroupsFixture } from './groups-fixture';

describe('SQLite consumer groups', () => {
  let f: GroupsFixture;

  beforeEach(async () => {
    f = openGroupsFixture();
    await f.log.createTopics([
      { name: 'orders', partitions: 4 },
      { name: 'other', partitions: 2 },
    ]);
  });
  afterEach(() => f.dispose());

  it('assigns everything to the first member, then rebalances on a join', async () => {
    const a = await f.log.joinGroup({
      groupId: 'g',
      topics: ['orders'],
      clientId: 'alpha',
      sessionTimeoutMs: 1000,
    });
    expect(a.memberId).toMatch(/^alpha-[0-9a-f-]{36}$/);
    expect(a.generation).toBe(1);
    expect(a.partitions).toHaveLength(4);

    const b = await f.log.joinGroup({ groupId: 'g', topics: ['orders'], sessionTimeoutMs: 1000 });
    expect(b.memberId).toMatch(/^member-/);
    expect(b.generation).toBe(2);
    const hb = await f.log.heartbeat('g', a.memberId, a.generation);
    expect(hb.rebalanced).toBe(true);
    expect(hb.generation).toBe(2);
    expect(hb.partitions.length + b.partitions.length).toBe(4);
    expect((await f.log.heartbeat('g', a.memberId, 2)).rebalanced).toBe(false);
  });

  it('a rejoin of a live member changes nothing', async () => {
    const a = await f.log.joinGroup({ groupId: 'g', topics: ['orders'] });
    const again = await f.log.joinGroup({ groupId: 'g', topics: ['orders'], memberId: a.memberId });
    expect(again).toEqual(a);
  });

  it('expires a member whose session ran out and moves its partitions', async () => {
    const a = await f.log.joinGroup({ groupId: 'g', topics: ['orders'], sessionTimeoutMs: 1000 });
    const b = await f.log.joinGroup({ groupId: 'g', topics: ['orders'], sessionTimeoutMs: 5000 });
    f.advance(1001);
    const hb = await f.log.heartbeat('g', b.memberId, b.generation);
    expect(hb.rebalanced).toBe(true);
    expect(hb.partitions).toHaveLength(4);
    await expect(f.log.heartbeat('g', a.memberId, b.generation)).rejects.toBeInstanceOf(UnknownMemberError);
    await expect(f.log.commitOffsets('g', a.memberId, hb.generation, [])).rejects.toBeInstanceOf(
      UnknownMemberError,
    );
  });

  it('a rejoin that finds dead members rebalances', async () => {
    await f.log.joinGroup({ groupId: 'g', topics: ['orders'], sessionTimeoutMs: 1000 });
    const b = await f.log.joinGroup({ groupId: 'g', topics: ['orders'], sessionTimeoutMs: 5000 });
    f.advance(1001);
    const again = await f.log.joinGroup({
      groupId: 'g',
      topics: ['orders'],
      memberId: b.memberId,
      sessionTimeoutMs: 5000,
    });
    expect(again.generation).toBe(b.generation + 1);
    expect(again.partitions).toHaveLength(4);
  });

  it('a session that expired is not revived by a late heartbeat', async () => {
    const a = await f.log.joinGroup({ groupId: 'g', topics: ['orders'], sessionTimeoutMs: 1000 });
    f.advance(1000);
    await expect(f.log.heartbeat('g', a.memberId, a.generation)).resolves.toMatchObject({
      rebalanced: false,
    });
    f.advance(1001);
    await expect(f.log.heartbeat('g', a.memberId, a.generation)).rejects.toBeInstanceOf(UnknownMemberError);
    expect((await f.log.describeGroup('g')).state).toBe('Empty');
  });

  it('fences commits: stale generation, unknown member, foreign partition', async () => {
    const a = await f.log.joinGroup({ groupId: 'g', topics: ['orders'], assignor: 'roundrobin' });
    const b = await f.log.joinGroup({ groupId: 'g', topics: ['orders'], assignor: 'roundrobin' });
    await expect(
      f.log.commitOffsets('g', a.memberId, a.generation, [{ topic: 'orders', partition: 0, offset: 1 }]),
    ).rejects.toBeInstanceOf(StaleGenerationError);
    await expect(f.log.commitOffsets('g', 'nobody', b.generation, [])).rejects.toBeInstanceOf(
      UnknownMemberError,
    );
    const foreign = b.partitions[0];
    const mine = (await f.log.heartbeat('g', a.memberId, a.generation)).partitions[0];
    const rejected = f.log.commitOffsets('g', a.memberId, b.generation, [
      { ...mine, offset: 3 },
      { ...foreign, offset: 1 },
    ]);
    await expect(rejected).rejects.toBeInstanceOf(ConflictError);
    await expect(rejected).rejects.toMatchObject({ code: 'PARTITION_NOT_ASSIGNED' });
    expect(await f.log.fetchOffsets('g')).toEqual([]);
    await f.log.commitOffsets('g', a.memberId, b.generation, [{ ...mine, offset: 3, metadata: 'm' }]);
    expect(await f.log.fetchOffsets('g', 'orders')).toEqual([{ ...mine, offset: 3, metadata: 'm' }]);
  });

  it('leave moves partitions at once and is idempotent', async () => {
    const a = await f.log.joinGroup({ groupId: 'g', topics: ['orders'] });
    const b = await f.log.joinGroup({ groupId: 'g', topics: ['orders'] });
    await f.log.leaveGroup('g', a.memberId);
    await f.log.leaveGroup('g', a.memberId);
    const hb = await f.log.heartbeat('g', b.memberId, b.generation);
    expect(hb).toMatchObject({ generation: 3, rebalanced: true });
    expect(hb.partitions).toHaveLength(4);
  });

  it('describes members, state and lag; lists groups', async () => {
    await f.log.append({
      records: [0, 0, 0, 1].map((partition) => ({
        topic: 'orders',
        key: null,
        value: Buffer.from('x'),
        partition,
      })),
    });
    const a = await f.log.joinGroup({ groupId: 'g', topics: ['orders'], clientId: 'c1' });
    await f.log.commitOffsets('g', a.memberId, a.generation, [{ topic: 'orders', partition: 0, offset: 1 }]);
    const d = await f.log.describeGroup('g');
    expect(d).toMatchObject({
      groupId: 'g',
      generation: 1,
      state: 'Stable',
      assignor: 'range',
      topics: ['orders'],
    });
    expect(d.members).toEqual([
      { memberId: a.memberId, clientId: 'c1', partitions: a.partitions, lastHeartbeat: f.now },
    ]);
    expect(d.lag.map((l) => [l.partition, l.committedOffset, l.endOffset, l.lag])).toEqual([
      [0, 1, 3, 2],
      [1, null, 1, 1],
      [2, null, 0, 0],
      [3, null, 0, 0],
    ]);
    await f.log.leaveGroup('g', a.memberId);
    expect((await f.log.describeGroup('g')).state).toBe('Empty');
    expect(await f.log.listGroups()).toEqual(['g']);
    await expect(f.log.describeGroup('nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('requires the same topics and assignor from all live members, but lets an empty group change', async () => {
    const a = await f.log.joinGroup({ groupId: 'g', topics: ['orders'] });
    await expect(f.log.joinGroup({ groupId: 'g', topics: ['other'] })).rejects.toMatchObject({
      code: 'INCONSISTENT_GROUP_PROTOCOL',
    });
    await expect(
      f.log.joinGroup({ groupId: 'g', topics: ['orders'], assignor: 'sticky' }),
    ).rejects.toMatchObject({
      code: 'INCONSISTENT_GROUP_PROTOCOL',
    });
    // Topic order and duplicates do not matter.
    await f.log.joinGroup({ groupId: 'g2', topics: ['orders', 'other'] });
    await expect(
      f.log.joinGroup({ groupId: 'g2', topics: ['other', 'orders', 'other'] }),
    ).resolves.toBeDefined();
    await f.log.leaveGroup('g', a.memberId);
    const b = await f.log.joinGroup({ groupId: 'g', topics: ['other'], assignor: 'sticky' });
    expect(b.partitions).toEqual([
      { topic: 'other', partition: 0 },
      { topic: 'other', partition: 1 },
    ]);
  });

  it('validates input before touching the database', async () => {
    await expect(f.log.joinGroup({ groupId: '', topics: ['orders'] })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(f.log.joinGroup({ groupId: 'g', topics: [] })).rejects.toBeInstanceOf(InvalidConfigError);
    await expect(f.log.joinGroup({ groupId: 'g', topics: ['missing'] })).rejects.toBeInstanceOf(
      UnknownTopicError,
    );
    await expect(
      f.log.joinGroup({ groupId: 'g', topics: ['orders'], sessionTimeoutMs: 99 }),
    ).rejects.toBeInstanceOf(InvalidConfigError);
    await expect(
      f.log.joinGroup({ groupId: 'g', topics: ['orders'], sessionTimeoutMs: 3_600_001 }),
    ).rejects.toBeInstanceOf(InvalidConfigError);
    await expect(
      f.log.joinGroup({ groupId: 'g', topics: ['orders'], assignor: 'fancy' as never }),
    ).rejects.toBeInstanceOf(InvalidConfigError);
    const a = await f.log.joinGroup({ groupId: 'g', topics: ['orders'] });
    await expect(f.log.heartbeat('g', a.memberId, 1.5)).rejects.toBeInstanceOf(ValidationError);
    await expect(
      f.log.commitOffsets('g', a.memberId, 1, [{ topic: 'orders', partition: 0, offset: -1 }]),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      f.log.commitOffsets('g', a.memberId, 1, [{ topic: 'orders', partition: 4, offset: 0 }]),
    ).rejects.toMatchObject({
      code: 'PARTITION_OUT_OF_RANGE',
    });
    await expect(
      f.log.commitOffsets('g', a.memberId, 1, [{ topic: 'nope', partition: 0, offset: 0 }]),
    ).rejects.toBeInstanceOf(UnknownTopicError);
    await expect(f.log.fetchOffsets('g', 'nope')).rejects.toBeInstanceOf(UnknownTopicError);
    await expect(f.log.heartbeat('unknown-group', a.memberId, 1)).rejects.toBeInstanceOf(UnknownMemberError);
  });

  it('keeps heartbeats cheap', async () => {
    const a = await f.log.joinGroup({ groupId: 'g', topics: ['orders', 'other'] });
    for (let i = 0; i < 5; i++) await f.log.joinGroup({ groupId: 'g', topics: ['orders', 'other'] });
    const started = process.hrtime.bigint();
    const n = 200;
    for (let i = 0; i < n; i++) await f.log.heartbeat('g', a.memberId, 6);
    const perCallMs = Number(process.hrtime.bigint() - started) / 1e6 / n;
    // One small IMMEDIATE transaction and its fsync; generous for a busy CI disk.
    expect(perCallMs).toBeLessThan(20);
  });
});
