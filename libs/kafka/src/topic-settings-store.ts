import { KafkaTopics } from './kafka-topics';
import { KeyIndex } from './key-index';
import { PartitionReader } from './partition-reader';
import { WriteLease } from './write-lease';

/**
 * Eventline's own per-topic settings that Kafka has no config for (today: keyIndex), kept as
 * records keyed by topic name in one compacted topic, so every process describes a topic alike.
 */
export const SETTINGS_TOPIC = '__eventline_topics';

export interface TopicSettingsRecord {
  readonly keyIndex: boolean;
}

export class TopicSettingsStore {
  constructor(
    private readonly topics: KafkaTopics,
    private readonly index: KeyIndex,
    private readonly reader: PartitionReader,
    private readonly lease: WriteLease,
    /** SETTINGS_TOPIC, with the log's namespace if it has one. */
    private readonly settingsTopic = SETTINGS_TOPIC,
  ) {}

  async get(topic: string): Promise<TopicSettingsRecord> {
    if (!(await this.topics.exists(this.settingsTopic))) return { keyIndex: false };
    const index = await this.index.catchUp(this.settingsTopic);
    const latest = index.keys.get(topic)?.at(-1);
    if (!latest) return { keyIndex: false };
    const [record] = await this.reader.fetch(this.settingsTopic, 0, latest.offset, { maxWaitMs: 0, maxBytes: 64 << 10, fromStart: true });
    return record?.offset === latest.offset && record.value ? (JSON.parse(record.value.toString('utf8')) as TopicSettingsRecord) : { keyIndex: false };
  }

  async set(topic: string, settings: TopicSettingsRecord): Promise<void> {
    await this.topics.createRaw(this.settingsTopic, 1, { 'cleanup.policy': 'compact' });
    await this.lease.append({
      records: [{ topic: this.settingsTopic, partition: 0, key: topic, value: Buffer.from(JSON.stringify(settings)), headers: undefined, timestamp: Date.now() }],
      expectations: [],
    });
  }
}
