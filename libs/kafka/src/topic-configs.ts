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

/**
 * Core's maxMessageBytes limits one record (checked before sending, RECORD_TOO_LARGE); Kafka's
 * max.message.bytes limits a whole batch, which also carries batch overhead and Eventline's own
 * headers. Topics get this much more in Kafka; describing subtracts it again. Must be at least
 * the writer's chunk size (write-lease.ts, SEND_CHUNK_BYTES).
 */
export const BATCH_HEADROOM_BYTES = 256 * 1024;

/** Core's config as Kafka `name=value` entries, plus the engine's own (min.insync.replicas, ...). */
export function toKafkaConfigs(config: TopicConfig, extra: Readonly<Record<string, string>>): { name: string; value: string }[] {
  const entries = (Object.keys(NAMES) as (keyof TopicConfig)[]).map((field) => ({
    name: NAMES[field],
    value: String(field === 'maxMessageBytes' ? config[field] + BATCH_HEADROOM_BYTES : config[field]),
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
    // A topic not created by Eventline may have less than the headroom: show Kafka's value then.
    maxMessageBytes: num(NAMES.maxMessageBytes) > BATCH_HEADROOM_BYTES ? num(NAMES.maxMessageBytes) - BATCH_HEADROOM_BYTES : num(NAMES.maxMessageBytes),
  };
}

/** Kafka lists "delete,compact" and "compact,delete" alike. */
function normalisePolicy(value: string): CleanupPolicy {
  const parts = value.split(',').map((p) => p.trim()).sort();
  return parts.length === 2 ? 'compact,delete' : (parts[0] as CleanupPolicy);
}
