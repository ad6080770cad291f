import { EventLog } from '../log/event-log';
import { ParkedEvent, positionId } from './parked-event';

/** `projection.<name>.dlt`: parked records, for log tooling. */
export function deadLetterTopic(groupId: string): string {
  return `${groupId}.dlt`;
}

/**
 * Copies parked records to the projection's dead-letter topic (created on first use), with where
 * they came from and why in headers. A mirror for tools, written after the park committed: the
 * read-model store's parked table is the truth, so a crash in between may copy a record twice.
 */
export async function mirrorToDeadLetterTopic(
  log: EventLog,
  groupId: string,
  parked: readonly ParkedEvent[],
): Promise<void> {
  if (parked.length === 0) return;
  const topic = deadLetterTopic(groupId);
  await log.createTopics([{ name: topic, partitions: 1 }]);
  const records = [];
  for (const p of parked) {
    const [record] = await log.read(p.topic, p.partition, p.offset, { maxRecords: 1 });
    if (!record || record.offset !== p.offset) continue; // removed by retention meanwhile
    records.push({
      topic,
      key: record.key,
      value: record.value,
      headers: {
        ...record.headers,
        'eventline.dlt.source': positionId(p),
        'eventline.dlt.reason': p.reason,
        'eventline.dlt.error': p.error.slice(0, 1000),
      },
    });
  }
  if (records.length > 0) await log.append({ records });
}
