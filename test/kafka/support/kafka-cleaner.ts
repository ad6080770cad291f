/**
 * Makes Kafka's log cleaner and retention act on one topic within seconds, for the contract's
 * compaction and retention cases. Kafka cleans and deletes whole segments only, never the active
 * one, so: tiny segments (segment.ms) and a low dirty ratio on the topic, then records of a key of
 * its own (Kafka refuses unkeyed records on compacted topics) so the active segment rolls —
 * repeated until the work is visible. The broker checks retention every second (kafka.sh).
 *
 * Retention: a transaction's commit marker is stamped with the commit time, so a segment of
 * records timestamped an hour ago still ends "now" and would outlive retention.ms by that much.
 * The helper lowers retention.ms to 1 s while it waits (only records appended before the call can
 * be that old) and puts the topic's own value back before returning; then it removes its own
 * roll records with DeleteRecords.
 */
import { EventLog } from '@eventline/core';
import { Admin, ConfigResourceTypes, IncrementalAlterConfigOperationTypes } from '@platformatic/kafka';

/** Key of the records that roll segments; the contract only looks at its own keys. */
const ROLL_KEY = 'eventline.test.segment-roll';

/** `namespace`: the log's KafkaEventLogOptions.namespace (the admin calls need the topic's Kafka name). */
export async function cleanKafkaTopic(log: EventLog, topic: string, brokers: string, namespace?: string, timeoutMs = 60_000): Promise<void> {
  const kafkaTopic = namespace === undefined ? topic : `${namespace}.${topic}`;
  const { partitions, config } = await log.describeTopic(topic);
  const retention = config.cleanupPolicy !== 'compact' && config.retentionMs >= 0;
  const before = await log.offsets(topic);
  await alterTopic(brokers, kafkaTopic, {
    'segment.ms': '100',
    'min.cleanable.dirty.ratio': '0.01',
    ...(retention ? { 'retention.ms': '1000' } : {}),
  });
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      await log.append({
        records: Array.from({ length: partitions }, (_, partition) => ({ topic, key: ROLL_KEY, value: Buffer.from('roll'), partition })),
      });
      if (retention && (await startMoved(log, topic, before))) {
        // Retention is done; the roll records after it are the helper's own: delete them with
        // Kafka's DeleteRecords (moves the log start offset) so the topic holds what the test wrote.
        await deleteRecordsBefore(brokers, kafkaTopic, await log.offsets(topic));
        return;
      }
      if (!retention && (await compacted(log, topic, partitions))) return;
      await new Promise((r) => setTimeout(r, 700));
    }
  } finally {
    if (retention) await alterTopic(brokers, kafkaTopic, { 'retention.ms': String(config.retentionMs) });
  }
}

async function deleteRecordsBefore(brokers: string, topic: string, offsets: { partition: number; endOffset: number }[]): Promise<void> {
  const admin = new Admin({ clientId: 'eventline-test-cleaner', bootstrapBrokers: brokers.split(',') });
  try {
    await admin.deleteRecords({
      topics: [{ name: topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: BigInt(o.endOffset) })) }],
    });
  } finally {
    await admin.close();
  }
}

async function alterTopic(brokers: string, topic: string, configs: Record<string, string>): Promise<void> {
  const admin = new Admin({ clientId: 'eventline-test-cleaner', bootstrapBrokers: brokers.split(',') });
  try {
    await admin.incrementalAlterConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: topic,
          configs: Object.entries(configs).map(([name, value]) => ({ name, configOperation: IncrementalAlterConfigOperationTypes.SET, value })),
        },
      ],
    });
  } finally {
    await admin.close();
  }
}

/** Retention: every partition that had records has moved its log start offset. */
async function startMoved(log: EventLog, topic: string, before: { beginOffset: number; endOffset: number }[]): Promise<boolean> {
  const now = await log.offsets(topic);
  return before.every((b, p) => b.endOffset === b.beginOffset || now[p].beginOffset > b.beginOffset);
}

/** Compaction: one record per key in each partition and no tombstones left. */
async function compacted(log: EventLog, topic: string, partitions: number): Promise<boolean> {
  for (let partition = 0; partition < partitions; partition++) {
    const seen = new Set<string>();
    for (const r of await log.read(topic, partition, 0, { maxRecords: 10_000, autoOffsetReset: 'earliest' })) {
      if (r.key === null || r.key === ROLL_KEY) continue;
      if (seen.has(r.key) || r.value === null) return false;
      seen.add(r.key);
    }
  }
  return true;
}
