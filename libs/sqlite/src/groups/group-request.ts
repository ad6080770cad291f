import { randomUUID } from 'crypto';
import {
  AssignorName,
  InvalidConfigError,
  JoinGroupRequest,
  OffsetCommit,
  PartitionOutOfRangeError,
  ValidationError,
  assignorFor,
} from '@eventline/core';
import { TopicCatalog } from '../topic-catalog';

export const DEFAULT_SESSION_TIMEOUT_MS = 10_000;
export const MIN_SESSION_TIMEOUT_MS = 100;
export const MAX_SESSION_TIMEOUT_MS = 3_600_000;
const MAX_ID_LENGTH = 255;
const MAX_CLIENT_ID_LENGTH = 200;
/** Kafka's offset.metadata.max.bytes default. */
const MAX_METADATA_LENGTH = 4096;

export interface ValidJoin {
  readonly groupId: string;
  /** The caller's id (a rejoin), or a fresh one. */
  readonly memberId: string;
  readonly clientId: string | null;
  readonly topics: readonly string[];
  readonly sessionTimeoutMs: number;
  readonly assignor: AssignorName;
}

export interface ValidCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly metadata: string | null;
}

/** Checks a join before any lock is taken, so bad input costs no transaction. */
export function validateJoin(request: JoinGroupRequest, catalog: TopicCatalog): ValidJoin {
  if (typeof request !== 'object' || request === null) {
    throw new ValidationError('joinGroup needs a request object ({ groupId, topics, ... }).');
  }
  const groupId = requireGroupId(request.groupId);
  const clientId = optionalText(request.clientId, 'clientId', MAX_CLIENT_ID_LENGTH);
  const memberId =
    request.memberId === undefined
      ? `${clientId ?? 'member'}-${randomUUID()}`
      : requireMemberId(request.memberId);
  if (!Array.isArray(request.topics) || request.topics.length === 0) {
    throw new InvalidConfigError(
      `Group "${groupId}" must subscribe to at least one topic (topics: string[]).`,
      { groupId },
    );
  }
  for (const topic of request.topics) catalog.get(requireTopicName(topic));
  const topics = [...new Set<string>(request.topics)].sort();
  const sessionTimeoutMs = request.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
  if (
    !Number.isInteger(sessionTimeoutMs) ||
    sessionTimeoutMs < MIN_SESSION_TIMEOUT_MS ||
    sessionTimeoutMs > MAX_SESSION_TIMEOUT_MS
  ) {
    throw new InvalidConfigError(
      `sessionTimeoutMs must be a whole number of ms from ${MIN_SESSION_TIMEOUT_MS} to ${MAX_SESSION_TIMEOUT_MS}, got ${sessionTimeoutMs}.`,
      { groupId, sessionTimeoutMs },
    );
  }
  const assignor = assignorFor(request.assignor ?? 'range').name;
  return { groupId, memberId, clientId, topics, sessionTimeoutMs, assignor };
}

export function requireGroupId(groupId: unknown): string {
  return requireId(groupId, 'group id');
}

export function requireMemberId(memberId: unknown): string {
  return requireId(memberId, 'member id');
}

export function requireGeneration(generation: unknown): number {
  if (!Number.isSafeInteger(generation) || (generation as number) < 0) {
    throw new ValidationError(
      `A generation is a whole number ≥ 0 as returned by joinGroup/heartbeat, got ${String(generation)}.`,
      {
        generation,
      },
    );
  }
  return generation as number;
}

export function validateCommits(offsets: readonly OffsetCommit[], catalog: TopicCatalog): ValidCommit[] {
  if (!Array.isArray(offsets))
    throw new ValidationError('commitOffsets needs an array of { topic, partition, offset }.');
  return offsets.map((c: OffsetCommit) => {
    const topic = catalog.get(requireTopicName(c?.topic));
    if (!Number.isInteger(c.partition) || c.partition < 0 || c.partition >= topic.partitions) {
      throw new PartitionOutOfRangeError(topic.name, c.partition, topic.partitions);
    }
    if (!Number.isSafeInteger(c.offset) || c.offset < 0) {
      throw new ValidationError(
        `A committed offset is the next offset to read, a whole number ≥ 0; got ${c.offset} for ${topic.name}-${c.partition}.`,
        { topic: topic.name, partition: c.partition, offset: c.offset },
      );
    }
    const metadata = optionalText(c.metadata, 'offset metadata', MAX_METADATA_LENGTH);
    return { topic: topic.name, partition: c.partition, offset: c.offset, metadata };
  });
}

function requireTopicName(topic: unknown): string {
  if (typeof topic !== 'string')
    throw new ValidationError(`A topic name must be a string, got ${JSON.stringify(topic)}.`);
  return topic;
}

function requireId(id: unknown, what: string): string {
  if (typeof id !== 'string' || id.trim().length === 0 || id.length > MAX_ID_LENGTH) {
    throw new ValidationError(
      `A ${what} must be a non-blank string of at most ${MAX_ID_LENGTH} characters, got ${JSON.stringify(id)}.`,
      {
        [what.replace(' id', 'Id')]: id,
      },
    );
  }
  return id;
}

function optionalText(value: unknown, what: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > max) {
    throw new ValidationError(`${what} must be a string of at most ${max} characters.`, { [what]: value });
  }
  return value;
}

/** The optional topic of fetchOffsets: undefined for all, else a topic that must exist. */
export function validateTopicFilter(topic: string | undefined, catalog: TopicCatalog): string | undefined {
  return topic === undefined ? undefined : catalog.get(requireTopicName(topic)).name;
}
