/**
 * Makes Kafka's log cleaner act on one topic within seconds, for the contract's compaction case:
 * tiny segments and dirty ratio on the topic, then appends records of a key of its own so the active
 * segment rolls and the cleaner gets new dirty segments — repeated until the latest record of
 * every key is alone in each partition and tombstones are gone (or the time is up).
 */
import { EventLog } from '@eventline/core';
import { Admin, ConfigResourceTypes, IncrementalAlterConfigOperationTypes } from '@platformatic/kafka';

/** Key of the records that roll segments; the contract only looks at its own keys. */
const ROLL_KEY = 'eventline.test.segment-roll';

export async function cleanKafkaTopic(log: EventLog, topic: string, brokers: string, timeoutMs = 60_000): Promise<void> {
  const admin = new Admin({ clientId: 'eventline-test-cleaner', bootstrapBrokers: brokers.split(',') });
  try {
    await admin.incrementalAlterConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: topic,
          configs: [
            { name: 'segment.ms', configOperation: IncrementalAlterConfigOperationTypes.SET, value: '100' },
            { name: 'min.cleanable.dirty.ratio', configOperation: IncrementalAlterConfigOperationTypes.SET, value: '0.01' },
          ],
        },
      ],
    });
  } finally {
    await admin.close();
  }
  const partitions = (await log.describeTopic(topic)).partitions;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 300));
    await log.append({
      // Keyed: Kafka refuses unkeyed records on compacted topics.
      records: Array.from({ length: partitions }, (_, partition) => ({ topic, key: ROLL_KEY, value: Buffer.from('roll'), partition })),
    });
    if (await compacted(log, topic, partitions)) return;
    await new Promise((r) => setTimeout(r, 700));
  }
}

async function compacted(log: EventLog, topic: string, partitions: number): Promise<boolean> {
  for (let partition = 0; partition < partitions; partition++) {
    const seen = new Set<string>();
    for (const r of await log.read(topic, partition, 0, { maxRecords: 10_000 })) {
      if (r.key === null || r.key === ROLL_KEY) continue;
      if (seen.has(r.key) || r.value === null) return false;
      seen.add(r.key);
    }
  }
  return true;
}
