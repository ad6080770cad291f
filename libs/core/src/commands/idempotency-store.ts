import { EventLog } from '../log/event-log';
import { KeyExpectation, ProducerRecord, RecordPosition } from '../log/record';
import { TopicSpec } from '../log/topic';
import { StreamWrite } from '../messaging/unit-of-work';

export const DEFAULT_COMMANDS_TOPIC = 'eventline.commands';

/** The durable outcome of a command executed with an idempotency key. */
export interface StoredOutcome {
  readonly command: string;
  readonly payloadHash: string;
  /** Absent when the handler returned undefined. */
  readonly result?: unknown;
  /** Present when the handler refused the command with a DomainError; a repeat gets it again. */
  readonly refusal?: { code: string; message: string; details?: Record<string, unknown> };
  readonly streams: readonly StreamWrite[];
}

export interface IdempotencyLookup {
  readonly outcome: StoredOutcome | null;
  /** The key's current version in the commands topic: the expectation for writing it. */
  readonly version: number;
}

/**
 * Idempotency records live in the log itself: a compacted topic keyed by idempotency key, written in
 * the same atomic append as the command's events, so a crash can never separate the two.
 */
export class IdempotencyStore {
  constructor(
    private readonly log: EventLog,
    readonly topic: string = DEFAULT_COMMANDS_TOPIC,
    private readonly partitions = 8,
  ) {}

  topicSpec(): TopicSpec {
    return { name: this.topic, partitions: this.partitions, config: { cleanupPolicy: 'compact' } };
  }

  async lookup(key: string): Promise<IdempotencyLookup> {
    // A new key (the usual case) costs one lookup; a known one a second, for its latest record.
    const version = (await this.log.keyVersions(this.topic, [key])).get(key) ?? 0;
    if (version === 0) return { outcome: null, version };
    const latest = await this.log.readLatest(this.topic, key);
    if (!latest || latest.value === null) return { outcome: null, version: latest?.keyVersion ?? version };
    return {
      outcome: JSON.parse(latest.value.toString('utf8')) as StoredOutcome,
      version: latest.keyVersion ?? version,
    };
  }

  /** The record and expectation to append with the command's events. */
  entry(
    key: string,
    expectedVersion: number,
    outcome: StoredOutcome,
  ): { record: ProducerRecord; expectation: KeyExpectation } {
    return {
      record: { topic: this.topic, key, value: Buffer.from(JSON.stringify(outcome), 'utf8') },
      expectation: { topic: this.topic, key, version: expectedVersion },
    };
  }

  /** Positions of the events an earlier execution wrote, read back from their streams. */
  async positionsOf(streams: readonly StreamWrite[]): Promise<RecordPosition[]> {
    const positions: RecordPosition[] = [];
    for (const s of streams) {
      const records = await this.log.readKey(s.topic, s.id, s.fromVersion - 1);
      for (const r of records) {
        if (r.keyVersion !== null && r.keyVersion <= s.toVersion)
          positions.push({ topic: r.topic, partition: r.partition, offset: r.offset });
      }
    }
    return positions;
  }
}
