import { InvalidConfigError } from '../errors';

/** Kafka's `cleanup.policy`. */
export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

/** Per-topic configuration, named after Kafka's topic configs. Times in milliseconds; -1 means "forever". */
export interface TopicConfig {
  readonly cleanupPolicy: CleanupPolicy;
  /** `retention.ms`: records older than this are deleted (delete policies). */
  readonly retentionMs: number;
  /** `min.compaction.lag.ms`: records younger than this are never compacted. */
  readonly minCompactionLagMs: number;
  /** `delete.retention.ms`: how long a tombstone survives once it is the latest for its key. */
  readonly deleteRetentionMs: number;
  /** `max.message.bytes`: largest key + value + headers of one record. */
  readonly maxMessageBytes: number;
}

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly config?: Partial<TopicConfig>;
  /**
   * Eventline's own setting, not a Kafka config: keep an index of the topic's records by key and key
   * version, so `readKey` (an entity's stream) is an index range scan. It costs write time (on SQLite
   * about 3× per record), so it is off by default (false) and on for topics whose keys are read as
   * streams — the write side turns it on for `<aggregate>.events`. Without it `readKey` still works
   * but scans the topic; `readLatest` and `keyVersions` never need it.
   */
  readonly keyIndex?: boolean;
}

export interface TopicDescription {
  readonly name: string;
  readonly partitions: number;
  readonly config: TopicConfig;
  /** See TopicSpec.keyIndex. */
  readonly keyIndex: boolean;
}

/** Kafka's broker defaults, except retention: an event log keeps history forever unless told otherwise. */
export const DEFAULT_TOPIC_CONFIG: TopicConfig = Object.freeze({
  cleanupPolicy: 'delete',
  retentionMs: -1,
  minCompactionLagMs: 0,
  deleteRetentionMs: 86_400_000,
  maxMessageBytes: 1_048_588,
});

const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const POLICIES: readonly CleanupPolicy[] = ['delete', 'compact', 'compact,delete'];
export const MAX_PARTITIONS = 10_000;

/** Validates a spec the way Kafka's admin API does and fills in defaults. Throws InvalidConfigError. */
export function resolveTopicSpec(spec: TopicSpec): TopicDescription {
  const { name, partitions } = spec;
  if (typeof name !== 'string' || !LEGAL_TOPIC_NAME.test(name) || name === '.' || name === '..') {
    throw new InvalidConfigError(
      `Topic name ${JSON.stringify(name)} is not legal: use 1-249 characters of a-z, A-Z, 0-9, ".", "_", "-".`,
      { name },
    );
  }
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
    throw new InvalidConfigError(
      `Topic "${name}" needs a whole number of partitions from 1 to ${MAX_PARTITIONS}, got ${partitions}.`,
      { name, partitions },
    );
  }
  const config: TopicConfig = { ...DEFAULT_TOPIC_CONFIG, ...stripUndefined(spec.config ?? {}) };
  if (!POLICIES.includes(config.cleanupPolicy)) {
    throw new InvalidConfigError(
      `cleanup.policy of "${name}" must be one of ${POLICIES.join(' | ')}, got ${JSON.stringify(config.cleanupPolicy)}.`,
      { name, cleanupPolicy: config.cleanupPolicy },
    );
  }
  for (const field of ['retentionMs', 'minCompactionLagMs', 'deleteRetentionMs'] as const) {
    const v = config[field];
    if (!Number.isSafeInteger(v) || v < -1) {
      throw new InvalidConfigError(`${field} of "${name}" must be a whole number ≥ -1 (ms), got ${v}.`, {
        name,
        [field]: v,
      });
    }
  }
  if (!Number.isSafeInteger(config.maxMessageBytes) || config.maxMessageBytes < 1) {
    throw new InvalidConfigError(`maxMessageBytes of "${name}" must be a positive whole number.`, {
      name,
      maxMessageBytes: config.maxMessageBytes,
    });
  }
  const keyIndex = spec.keyIndex ?? false;
  if (typeof keyIndex !== 'boolean') {
    throw new InvalidConfigError(
      `keyIndex of "${name}" must be true or false, got ${JSON.stringify(keyIndex)}.`,
      {
        name,
        keyIndex,
      },
    );
  }
  return { name, partitions, config: Object.freeze(config), keyIndex };
}

export function isCompacted(config: TopicConfig): boolean {
  return config.cleanupPolicy !== 'delete';
}

export function hasRetention(config: TopicConfig): boolean {
  return config.cleanupPolicy !== 'compact' && config.retentionMs >= 0;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
