/**
 * The write lease handed back and forth between two logs sharing one transactional.id (two
 * "processes" in one): each acquisition fences the other, and the new holder decides on state it
 * caught up after fencing — never on its stale cache.
 */
import { EventlineError } from '@eventline/core';
import { KafkaEventLog } from '@eventline/kafka';
import { requireKafka } from './support/kafka-broker';

const brokers = requireKafka('write lease handover');

(brokers ? describe : describe.skip)('write lease handover', () => {
  jest.setTimeout(60_000);

  it('fences the previous holder, which re-acquires and sees what was written meanwhile', async () => {
    const transactionalId = `eventline-lease-${process.pid}-${Date.now()}`;
    const [a, b] = await Promise.all(
      [1, 2].map((n) => KafkaEventLog.open({ brokers: brokers!, transactionalId, clientId: `lease-${n}` })),
    );
    try {
      const topic = `lease.${Date.now().toString(36)}`;
      await a.createTopics([{ name: topic, partitions: 2 }]);
      const put = (log: KafkaEventLog, version: number, value: string) =>
        log.append({
          records: [{ topic, key: 'k', value: Buffer.from(value) }],
          expectations: [{ topic, key: 'k', version }],
        });

      expect((await put(a, 0, 'a1')).records[0].keyVersion).toBe(1); // a holds the lease
      expect((await put(b, 1, 'b2')).records[0].keyVersion).toBe(2); // b fences a
      // a's cache still says version 1: its stale expectation must lose, on fresh state.
      const stale = await put(a, 1, 'a-stale').catch((e: EventlineError) => e);
      expect(stale).toMatchObject({
        code: 'CONCURRENCY_CONFLICT',
        details: { expectedVersion: 1, actualVersion: 2 },
      });
      expect((await put(a, 2, 'a3')).records[0].keyVersion).toBe(3);
      expect((await put(b, 3, 'b4')).records[0].keyVersion).toBe(4); // b re-acquires, sees a3
      const stream = await a.readKey(topic, 'k');
      expect(stream.map((r) => [r.keyVersion, r.value?.toString()])).toEqual([
        [1, 'a1'],
        [2, 'b2'],
        [3, 'a3'],
        [4, 'b4'],
      ]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
