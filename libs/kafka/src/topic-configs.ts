import { CleanupPolicy, TopicConfig } from '@eventline/core';

/** Kafka topic config names of the fields of core's TopicConfig. */
const NAMES: Record<keyof TopicConfig, string> = {
  cleanupPolicy: 'cleanup.policy',
  retentionMs: 'retention.ms',
  minCompactionLagMs: 'min.compaction.lag.ms',
  deleteRetentionMs: 'delete.retention.ms',
  maxMessageBytes: 'max.message.bytes',
};

export const TOPIC_CONFIG_NAMES = Object.values(NAMES);

/** Core's config as Kafka `name=value` entries, plus the engine's own (min.insync.replicas, ...). */
export function toKafkaConfigs(config: TopicConfig, extra: Readonly<Record<string, string>>): { name: string; value: string }[] {
  const entries = (Object.keys(NAMES) as (keyof TopicConfig)[]).map((field) => ({
    name: NAMES[field],
    value: String(config[field]),
  }));
  return [...entries, ...Object.entries(extra).map(([name, value]) => ({ name, value }))];
}

/** Reads core's config back from a DescribeConfigs answer. */
export function fromKafkaConfigs(configs: ReadonlyMap<string, string | null>): TopicConfig {
  const num = (name: string): number => Number(configs.get(name));
  return {
    cleanupPolicy: normalisePolicy(configs.get(NAMES.cleanupPolicy) ?? 'delete'),
    retentionMs: num(NAMES.retentionMs),
    minCompactionLagMs: num(NAMES.minCompactionLagMs),
    deleteRetentionMs: num(NAMES.deleteRetentionMs),
    maxMessageBytes: num(NAMES.maxMessageBytes),
  };
}

/** Kafka lists "delete,compact" and "compact,delete" alike. */
function normalisePolicy(value: string): CleanupPolicy {
  const parts = value.split(',').map((p) => p.trim()).sort();
  return parts.length === 2 ? 'compact,delete' : (parts[0] as CleanupPolicy);
}
