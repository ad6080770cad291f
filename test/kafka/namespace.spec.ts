/**
 * Two applications on one broker, each with its own namespace: the same topic names, keys and
 * group ids, and no cross-talk. In Kafka every name carries the namespace; each log sees only its own.
 */
import { EventLog, EventlineError } from '@eventline/core';
import { KafkaEventLog } from '@eventline/kafka';
import { Admin } from '@platformatic/kafka';
import { describeKafka } from './support/kafka-broker';

describeKafka('Kafka namespaces', (brokers) => {
  jest.setTimeout(90_000);
  const run = `${process.pid}-${Date.now().toString(36)}`;
  const [nsA, nsB] = [`ns-a-${run}`, `ns-b-${run}`];
  let a: KafkaEventLog;
  let b: KafkaEventLog;

  beforeAll(async () => {
    [a, b] = await Promise.all([KafkaEventLog.open({ brokers, namespace: nsA }), KafkaEventLog.open({ brokers, namespace: nsB })]);
    for (const log of [a, b]) {
      await log.createTopics([
        { name: 'account.events', partitions: 3, keyIndex: true },
        { name: 'account.state', partitions: 3, config: { cleanupPolicy: 'compact' } },
      ]);
    }
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  const deposit = (log: EventLog, version: number, value: string) =>
    log.append({
      records: [{ topic: 'account.events', key: 'acc-1', value: Buffer.from(value) }],
      expectations: [{ topic: 'account.events', key: 'acc-1', version }],
    });

  it('keeps the same keys of the same topics apart: own versions, own records, own topic names', async () => {
    const first = await deposit(a, 0, 'a1');
    expect(first.records[0]).toMatchObject({ topic: 'account.events', keyVersion: 1 });
    expect((await deposit(a, 1, 'a2')).records[0].keyVersion).toBe(2);
    // b's acc-1 is a different key: it starts at version 0, whatever a wrote.
    expect((await deposit(b, 0, 'b1')).records[0]).toMatchObject({ topic: 'account.events', keyVersion: 1 });
    await expect(deposit(b, 2, 'b-wrong')).rejects.toMatchObject({ code: 'CONCURRENCY_CONFLICT', details: { topic: 'account.events', actualVersion: 1 } });

    expect((await a.readKey('account.events', 'acc-1')).map((r) => [r.topic, r.value?.toString()])).toEqual([
      ['account.events', 'a1'],
      ['account.events', 'a2'],
    ]);
    expect((await b.readKey('account.events', 'acc-1')).map((r) => r.value?.toString())).toEqual(['b1']);
    const partition = first.records[0].partition;
    expect((await b.read('account.events', partition, 0)).map((r) => [r.topic, r.value?.toString()])).toEqual([['account.events', 'b1']]);
    expect((await a.readLatest('account.events', 'acc-1'))?.value?.toString()).toBe('a2');
    expect((await b.keyVersions('account.events', ['acc-1'])).get('acc-1')).toBe(1);
    expect((await a.offsets('account.events')).map((o) => o.topic)).toEqual(['account.events', 'account.events', 'account.events']);
  });

  it('lists only its own topics and groups, under their own names', async () => {
    for (const log of [a, b]) {
      const joined = await log.joinGroup({ groupId: 'balances', topics: ['account.events'] });
      expect(joined).toMatchObject({ groupId: 'balances', generation: 1 }); // a group of its own: first member, first generation
      expect(joined.partitions.map((p) => p.topic)).toEqual(['account.events', 'account.events', 'account.events']);
      await log.commitOffsets('balances', joined.memberId, joined.generation, [{ topic: 'account.events', partition: 0, offset: log === a ? 7 : 3 }]);
    }
    expect((await a.listTopics()).map((t) => t.name)).toEqual(['account.events', 'account.state']);
    expect((await b.listTopics()).map((t) => t.name)).toEqual(['account.events', 'account.state']);
    expect(await a.listGroups()).toEqual(['balances']);
    expect(await b.listGroups()).toEqual(['balances']);
    expect(await a.fetchOffsets('balances', 'account.events')).toEqual([{ topic: 'account.events', partition: 0, offset: 7, metadata: null }]);
    expect(await b.fetchOffsets('balances')).toEqual([{ topic: 'account.events', partition: 0, offset: 3, metadata: null }]);
    const described = await a.describeGroup('balances');
    expect(described).toMatchObject({ groupId: 'balances', topics: ['account.events'], state: 'Stable' });
    expect(described.members).toHaveLength(1);
    expect(new Set(described.lag.map((l) => l.topic))).toEqual(new Set(['account.events']));
    expect((await a.describeTopic('account.events')).keyIndex).toBe(true); // settings of its own settings topic
  });

  it('carries the namespace in every name Kafka sees', async () => {
    const admin = new Admin({ clientId: 'eventline-namespace-test', bootstrapBrokers: brokers.split(',') });
    try {
      const topics = await admin.listTopics({ includeInternals: true });
      for (const ns of [nsA, nsB]) {
        expect(topics).toEqual(expect.arrayContaining([`${ns}.account.events`, `${ns}.account.state`, `${ns}.__eventline_topics`]));
      }
      expect(topics).not.toContain('account.events.' + run);
      const groups = [...(await admin.listGroups()).keys()];
      expect(groups).toEqual(expect.arrayContaining([`${nsA}.balances`, `${nsB}.balances`]));
    } finally {
      await admin.close();
    }
  });

  it("reports errors in the application's own names", async () => {
    const error = (await a.describeTopic('missing.topic').catch((e: unknown) => e)) as EventlineError;
    expect(error).toMatchObject({ code: 'UNKNOWN_TOPIC', details: { topic: 'missing.topic' } });
    expect(error.message).toBe('Topic "missing.topic" does not exist. Create it first (createTopics) or check the name.');
  });

  it('refuses an illegal namespace before connecting', async () => {
    await expect(KafkaEventLog.open({ brokers, namespace: 'my app' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
