import { ConflictError, NotFoundError, ValidationError } from './error-kinds';

export class UnknownTopicError extends NotFoundError {
  constructor(topic: string) {
    super(
      `Topic "${topic}" does not exist. Create it first (createTopics) or check the name.`,
      { topic },
      'UNKNOWN_TOPIC',
    );
  }
}

export class PartitionOutOfRangeError extends ValidationError {
  constructor(topic: string, partition: number, partitions: number) {
    super(
      `Partition ${partition} is out of range for topic "${topic}": it has partitions 0..${partitions - 1}.`,
      { topic, partition, partitions },
      'PARTITION_OUT_OF_RANGE',
    );
  }
}

export class RecordTooLargeError extends ValidationError {
  constructor(topic: string, size: number, max: number) {
    super(
      `A record of ${size} bytes exceeds max.message.bytes=${max} of topic "${topic}". Split the record or raise the topic's limit.`,
      { topic, size, max },
      'RECORD_TOO_LARGE',
    );
  }
}

export class InvalidConfigError extends ValidationError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(message, details, 'INVALID_CONFIG');
  }
}

export class TopicAlreadyExistsError extends ConflictError {
  constructor(topic: string, reason = 'with a different configuration') {
    super(
      'TOPIC_ALREADY_EXISTS',
      `Topic "${topic}" already exists ${reason}. Describe it, or choose another name.`,
      {
        topic,
      },
    );
  }
}

/** Optimistic concurrency: the key moved on since the writer read it. Reload and decide again. */
export class ConcurrencyError extends ConflictError {
  constructor(topic: string, key: string, expectedVersion: number, actualVersion: number) {
    super(
      'CONCURRENCY_CONFLICT',
      `"${key}" in "${topic}" is at version ${actualVersion}, not ${expectedVersion} as expected: another writer won. Reload and retry.`,
      { topic, key, expectedVersion, actualVersion },
    );
  }
}

/** A consumer-group member acted with an old generation: its partitions may belong to someone else now. */
export class StaleGenerationError extends ConflictError {
  constructor(groupId: string, memberId: string, generation: number, current: number) {
    super(
      'ILLEGAL_GENERATION',
      `Member "${memberId}" of group "${groupId}" used generation ${generation}, but the group is at ${current}. Rejoin and re-read your assignment.`,
      { groupId, memberId, generation, current },
    );
  }
}

/** The member is not (or no longer) in the group, e.g. it missed its session timeout. */
export class UnknownMemberError extends ConflictError {
  constructor(groupId: string, memberId: string) {
    super(
      'UNKNOWN_MEMBER_ID',
      `Member "${memberId}" is not in group "${groupId}" (it left or its session expired). Join again.`,
      { groupId, memberId },
    );
  }
}

/** A member asked for a different assignor or topic list than the live members of its group use. */
export class InconsistentGroupProtocolError extends ConflictError {
  constructor(
    groupId: string,
    current: { assignor: string; topics: readonly string[] },
    requested: { assignor: string; topics: readonly string[] },
  ) {
    super(
      'INCONSISTENT_GROUP_PROTOCOL',
      `Group "${groupId}" consumes [${current.topics.join(', ')}] with the ${current.assignor} assignor, but a member ` +
        `asked for [${requested.topics.join(', ')}] with ${requested.assignor}. All members of a group must use the same ` +
        `topics and assignor: use another group id, or stop the other members first.`,
      {
        groupId,
        current: { assignor: current.assignor, topics: current.topics },
        requested: { assignor: requested.assignor, topics: requested.topics },
      },
    );
  }
}

/** A commit named a partition the member does not own in this generation: another member may own it. */
export class PartitionNotAssignedError extends ConflictError {
  constructor(
    groupId: string,
    memberId: string,
    tp: { topic: string; partition: number },
    generation: number,
  ) {
    super(
      'PARTITION_NOT_ASSIGNED',
      `Member "${memberId}" of group "${groupId}" does not own ${tp.topic}-${tp.partition} in generation ${generation}, ` +
        `so it may not commit its offset. Commit only the partitions of your current assignment.`,
      { groupId, memberId, topic: tp.topic, partition: tp.partition, generation },
    );
  }
}

export class GroupNotFoundError extends NotFoundError {
  constructor(groupId: string) {
    super(
      `Consumer group "${groupId}" does not exist: no member ever joined it. Check the name (listGroups).`,
      { groupId },
      'GROUP_NOT_FOUND',
    );
  }
}

/** A record without a key for a compacted topic: compaction keeps the latest record per key, so Kafka refuses it. */
export class KeyRequiredError extends ValidationError {
  constructor(topic: string, index: number) {
    super(
      `records[${index}] has no key, but topic "${topic}" is compacted (it keeps the latest record per key). Give the record a key, or write it to a topic with cleanup.policy "delete".`,
      { topic, index },
      'KEY_REQUIRED',
    );
  }
}

/** A read from an offset the log no longer holds: retention removed it (Kafka's OFFSET_OUT_OF_RANGE). */
export class OffsetOutOfRangeError extends ValidationError {
  constructor(topic: string, partition: number, offset: number, beginOffset: number) {
    super(
      `Offset ${offset} of ${topic}-${partition} is below the log start offset ${beginOffset}: retention removed those records. Read from ${beginOffset}, or pass { autoOffsetReset: 'earliest' } to start at the earliest record left.`,
      { topic, partition, offset, beginOffset },
      'OFFSET_OUT_OF_RANGE',
    );
  }
}
