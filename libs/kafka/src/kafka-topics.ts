import {
  InvalidConfigError,
  PartitionOutOfRangeError,
  resolveTopicSpec,
  TopicAlreadyExistsError,
  TopicDescription,
  TopicSpec,
  UnknownTopicError,
} from '@eventline/core';
import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import { hasKafkaError, isUnknownTopic, toEventlineError } from './kafka-errors';
import { fromKafkaConfigs, TOPIC_CONFIG_NAMES, toKafkaConfigs } from './topic-configs';

export interface TopicSettings {
  /** Replicas per partition (default: 3, or the number of brokers if fewer). */
  readonly replicationFactor?: number;
  /** `min.insync.replicas` of created topics (default: replicationFactor - 1, at least 1). */
  readonly minInsyncReplicas?: number;
  /** More Kafka topic configs for every created topic, e.g. `{ 'segment.ms': '100' }` in tests. */
  readonly extraConfigs?: Readonly<Record<string, string>>;
}

/** Where Eventline's own per-topic settings (keyIndex) live; see TopicSettingsStore. */
export interface KeyIndexSettings {
  get(topic: string): Promise<{ keyIndex: boolean }>;
  set(topic: string, settings: { keyIndex: boolean }): Promise<void>;
}

/** Topics through Kafka's admin API; describes are cached (a topic's spec never changes here). */
export class KafkaTopics {
  private readonly described = new Map<string, TopicDescription>();
  store?: KeyIndexSettings;

  constructor(
    private readonly admin: Admin,
    private readonly settings: TopicSettings,
  ) {}

  async exists(name: string): Promise<boolean> {
    return (await this.partitionCount(name)) > 0;
  }

  /** Creates an internal topic with raw Kafka configs if it is missing. */
  async createRaw(name: string, partitions: number, configs: Record<string, string>): Promise<void> {
    if (await this.exists(name)) return;
    try {
      await this.admin.createTopics({
        topics: [name],
        partitions,
        replicas: await this.replicationFactor(),
        configs: Object.entries({ 'min.insync.replicas': String(await this.minInsyncReplicas()), ...configs }).map(([n, value]) => ({ name: n, value })),
      });
    } catch (error) {
      if (!hasKafkaError(error, 'TOPIC_ALREADY_EXISTS')) throw toEventlineError(error, `create topic "${name}"`);
    }
  }

  async create(specs: readonly TopicSpec[]): Promise<void> {
    const wanted = specs.map((spec) => resolveTopicSpec(spec)); // all valid, or nothing is created
    for (const topic of wanted) {
      const existing = await this.find(topic.name);
      if (existing) {
        this.checkSame(existing, topic);
        continue;
      }
      try {
        await this.admin.createTopics({
          topics: [topic.name],
          partitions: topic.partitions,
          replicas: await this.replicationFactor(),
          configs: toKafkaConfigs(topic.config, {
            'min.insync.replicas': String(await this.minInsyncReplicas()),
            ...this.settings.extraConfigs,
          }),
        });
        if (topic.keyIndex) await this.store?.set(topic.name, { keyIndex: true });
      } catch (error) {
        if (!hasKafkaError(error, 'TOPIC_ALREADY_EXISTS')) {
          if (hasKafkaError(error, 'INVALID_CONFIG', 'INVALID_REPLICATION_FACTOR', 'POLICY_VIOLATION')) {
            throw new InvalidConfigError(`Kafka refused topic "${topic.name}": ${(error as Error).message}`, {
              topic: topic.name,
            });
          }
          throw toEventlineError(error, `create topic "${topic.name}"`);
        }
        // Another process created it at the same moment: it must match too.
        const raced = await this.find(topic.name);
        if (raced) this.checkSame(raced, topic);
      }
    }
  }

  async describe(name: string): Promise<TopicDescription> {
    const found = await this.find(name);
    if (!found) throw new UnknownTopicError(name);
    return found;
  }

  /** Topics that pass `listed` (a namespace's own, not internal), or all but the internal ones (`__…`). */
  async list(listed = (name: string) => !name.startsWith('__')): Promise<TopicDescription[]> {
    const names = (await this.admin.listTopics({ includeInternals: false })).filter(listed);
    return Promise.all(names.sort().map((n) => this.describe(n)));
  }

  async partitions(name: string): Promise<number> {
    return (await this.describe(name)).partitions;
  }

  async checkPartition(name: string, partition: number): Promise<void> {
    const partitions = await this.partitions(name);
    if (!Number.isInteger(partition) || partition < 0 || partition >= partitions) {
      throw new PartitionOutOfRangeError(name, partition, partitions);
    }
  }

  private checkSame(existing: TopicDescription, wanted: TopicDescription): void {
    const diffs: string[] = [];
    if (existing.partitions !== wanted.partitions) diffs.push(`partitions ${existing.partitions} ≠ ${wanted.partitions}`);
    if (existing.keyIndex !== wanted.keyIndex) diffs.push(`keyIndex ${existing.keyIndex} ≠ ${wanted.keyIndex}`);
    for (const field of Object.keys(wanted.config) as (keyof TopicDescription['config'])[]) {
      if (existing.config[field] !== wanted.config[field]) {
        diffs.push(`${field} ${existing.config[field]} ≠ ${wanted.config[field]}`);
      }
    }
    if (diffs.length > 0) {
      throw new TopicAlreadyExistsError(wanted.name, `with a different configuration (${diffs.join(', ')}); it is not reused`);
    }
  }

  private async find(name: string): Promise<TopicDescription | undefined> {
    const cached = this.described.get(name);
    if (cached) return cached;
    const partitions = await this.partitionCount(name);
    if (partitions === 0) return undefined;
    const [description] = await this.admin.describeConfigs({
      resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: name, configurationKeys: TOPIC_CONFIG_NAMES }],
    });
    const configs = new Map(description.configs.map((c) => [c.name, c.value ?? null]));
    const { keyIndex } = (await this.store?.get(name)) ?? { keyIndex: false };
    const topic: TopicDescription = { name, partitions, config: Object.freeze(fromKafkaConfigs(configs)), keyIndex };
    this.described.set(name, topic);
    return topic;
  }

  private async partitionCount(name: string): Promise<number> {
    try {
      const metadata = await this.admin.metadata({ topics: [name], forceUpdate: true });
      return metadata.topics.get(name)?.partitionsCount ?? 0;
    } catch (error) {
      if (isUnknownTopic(error) || hasKafkaError(error, 'INVALID_TOPIC_EXCEPTION')) return 0;
      throw toEventlineError(error, `describe topic "${name}"`);
    }
  }

  private async replicationFactor(): Promise<number> {
    if (this.settings.replicationFactor) return this.settings.replicationFactor;
    const metadata = await this.admin.metadata({ topics: [] });
    return Math.min(3, metadata.brokers.size);
  }

  private async minInsyncReplicas(): Promise<number> {
    return this.settings.minInsyncReplicas ?? Math.max(1, (await this.replicationFactor()) - 1);
  }
}
