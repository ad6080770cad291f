import { ConflictError, NotFoundError, TopicPartition } from '@eventline/core';

// Codes, not classes: the Kafka adapter raises the same conditions, so classes for them belong in
// core's log-errors.ts; until they move there, callers match on the stable code.

/** A member asked for a different assignor or topic list than the live members of its group use. */
export function inconsistentGroupProtocol(
  groupId: string,
  current: { assignor: string; topics: readonly string[] },
  requested: { assignor: string; topics: readonly string[] },
): ConflictError {
  return new ConflictError(
    'INCONSISTENT_GROUP_PROTOCOL',
    `Group "${groupId}" consumes [${current.topics.join(', ')}] with the ${current.assignor} assignor, but a member ` +
      `asked for [${requested.topics.join(', ')}] with ${requested.assignor}. All members of a group must use the same ` +
      `topics and assignor: use another group id, or stop the other members first.`,
    { groupId, current, requested },
  );
}

/** A commit named a partition the member does not own in this generation: another member may own it. */
export function partitionNotAssigned(
  groupId: string,
  memberId: string,
  tp: TopicPartition,
  generation: number,
): ConflictError {
  return new ConflictError(
    'PARTITION_NOT_ASSIGNED',
    `Member "${memberId}" of group "${groupId}" does not own ${tp.topic}-${tp.partition} in generation ${generation}, ` +
      `so it may not commit its offset. Commit only the partitions of your current assignment.`,
    { groupId, memberId, topic: tp.topic, partition: tp.partition, generation },
  );
}

export function groupNotFound(groupId: string): NotFoundError {
  return new NotFoundError(
    `Consumer group "${groupId}" does not exist: no member ever joined it. Check the name (listGroups).`,
    { groupId },
    'GROUP_NOT_FOUND',
  );
}
