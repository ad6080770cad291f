/**
 * A read right after createTopics: Kafka names a new partition's leader before that broker serves
 * it, and a Fetch in between is answered NOT_LEADER_OR_FOLLOWER. The reader retries on fresh
 * metadata; without that, most of these reads failed with BACKEND_UNAVAILABLE on a local broker.
 */
import { KafkaEventLog } from '@eventline/kafka';
import { describeKafka } from './support/kafka-broker';

describeKafka('Kafka read right after createTopics', (brokers) => {
  jest.setTimeout(60_000);

  it('reads every partition of a just-created topic (empty, no error), and a long poll sees the first append', async () => {
    const log = await KafkaEventLog.open({ brokers, transactionalId: `read-new-topic-${process.pid}` });
    try {
      for (let i = 0; i < 10; i++) {
        const topic = `read-new-topic.${process.pid}.${Date.now().toString(36)}.${i}`;
        await log.createTopics([{ name: topic, partitions: 4 }]);
        const reads = await Promise.all([0, 1, 2, 3].map((p) => log.read(topic, p, 0)));
        expect(reads).toEqual([[], [], [], []]);
      }
      const topic = `read-new-topic.${process.pid}.${Date.now().toString(36)}.poll`;
      await log.createTopics([{ name: topic, partitions: 1 }]);
      const poll = log.read(topic, 0, 0, { maxWaitMs: 5_000 });
      await log.append({ records: [{ topic, key: 'k', value: Buffer.from('v') }] });
      expect((await poll).map((r) => r.value?.toString())).toEqual(['v']);
    } finally {
      await log.close();
    }
  });
});
