/**
 * Reads on Kafka across aborted transactions larger than one fetch, and in small steps: an empty
 * read means "nothing committed after this offset yet" (callers stop there), never "this fetch
 * happened to hold only aborted data"; reads of `maxRecords` cover the log exactly once, in order.
 */
import { KafkaEventLog } from '@eventline/kafka';
import { ProduceAcks, Producer } from '@platformatic/kafka';
import { describeKafka } from './support/kafka-broker';

describeKafka('Kafka reads across aborted transactions', (brokers) => {
  jest.setTimeout(60_000);
  let log: KafkaEventLog;
  const topic = `read-past-aborted.${process.pid}.${Date.now().toString(36)}`;

  beforeAll(async () => {
    log = await KafkaEventLog.open({ brokers, transactionalId: `read-past-aborted-${process.pid}` });
    await log.createTopics([{ name: topic, partitions: 1 }]);
    const producer = new Producer({
      clientId: 'read-past-aborted',
      bootstrapBrokers: brokers.split(','),
      idempotent: true,
      acks: ProduceAcks.ALL,
      transactionalId: `read-past-aborted-raw-${process.pid}`,
      producerId: -1n,
      producerEpoch: -1,
    });
    try {
      // 3 MiB of aborted data: three times the default fetch size of a read.
      const junk = Buffer.alloc(1024, 1);
      for (let round = 0; round < 3; round++) {
        const tx = await producer.beginTransaction();
        await tx.send({
          messages: Array.from({ length: 1024 }, () => ({ topic, partition: 0, value: junk })),
        });
        await tx.abort();
      }
    } finally {
      await producer.close();
    }
    for (let i = 0; i < 5; i++) {
      await log.append({
        records: Array.from({ length: 40 }, (_, j) => ({
          topic,
          key: `k${j % 7}`,
          value: Buffer.from(`${i}.${j}`),
        })),
      });
    }
  });

  afterAll(() => log?.close());

  it('returns the first committed records after aborted data larger than the fetch size', async () => {
    const records = await log.read(topic, 0, 0);
    expect(records[0]?.value?.toString()).toBe('0.0');
  });

  it('reads the whole partition in steps of maxRecords, each committed record once and in order', async () => {
    for (const maxRecords of [1, 7, 40, 500]) {
      const seen: string[] = [];
      let offset = 0;
      for (;;) {
        const batch = await log.read(topic, 0, offset, { maxRecords });
        if (batch.length === 0) break;
        expect(batch.length).toBeLessThanOrEqual(maxRecords);
        seen.push(...batch.map((r) => r.value!.toString()));
        offset = batch[batch.length - 1].offset + 1;
      }
      expect(seen).toEqual(Array.from({ length: 200 }, (_, n) => `${Math.floor(n / 40)}.${n % 40}`));
    }
  });
});
