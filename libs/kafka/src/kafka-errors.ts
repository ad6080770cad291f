import { EventlineError, UnavailableError } from '@eventline/core';

/** Kafka protocol error name (e.g. 'PRODUCER_FENCED') carried anywhere inside a client error, or null. */
export function kafkaErrorId(error: unknown): string | null {
  const e = error as { findBy?: (p: string, v: unknown) => unknown; apiId?: string; errors?: unknown[] };
  if (!e || typeof e !== 'object') return null;
  if (typeof e.apiId === 'string') return e.apiId;
  for (const inner of e.errors ?? []) {
    const id = kafkaErrorId(inner);
    if (id) return id;
  }
  return null;
}

export function hasKafkaError(error: unknown, ...ids: string[]): boolean {
  const found = (e: unknown): boolean => {
    const x = e as { apiId?: string; errors?: unknown[]; cause?: unknown };
    if (!x || typeof x !== 'object') return false;
    if (typeof x.apiId === 'string' && ids.includes(x.apiId)) return true;
    return (x.errors ?? []).some(found) || (x.cause !== undefined && found(x.cause));
  };
  return found(error);
}

/** The producer lost its transactional.id to a newer holder (zombie fencing). */
export function isFenced(error: unknown): boolean {
  return hasKafkaError(error, 'PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'TRANSACTIONAL_ID_NOT_FOUND');
}

/** Leaves EventlineErrors alone; anything else from the client means the broker could not serve. */
export function toEventlineError(error: unknown, what: string): EventlineError {
  if (error instanceof EventlineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const id = kafkaErrorId(error);
  return new UnavailableError(
    `Kafka could not ${what}: ${id ? `${id}: ` : ''}${message}. Check that the brokers (KAFKA_BROKERS) are up; the outcome of a write is unknown until read back.`,
    { kafkaError: id ?? undefined, cause: message },
  );
}

/** The client reports a missing topic as a UserError "Unknown topic X." after the broker's UNKNOWN_TOPIC_OR_PARTITION. */
export function isUnknownTopic(error: unknown): boolean {
  return hasKafkaError(error, 'UNKNOWN_TOPIC_OR_PARTITION', 'UNKNOWN_TOPIC_ID') || /^Unknown topic /.test((error as Error)?.message ?? '');
}

/** Coordinator/leader states that resolve by themselves; the request had no effect. */
export function isTransient(error: unknown): boolean {
  return hasKafkaError(
    error,
    'CONCURRENT_TRANSACTIONS',
    'COORDINATOR_LOAD_IN_PROGRESS',
    'COORDINATOR_NOT_AVAILABLE',
    'NOT_COORDINATOR',
    'NOT_LEADER_OR_FOLLOWER',
    'LEADER_NOT_AVAILABLE',
  );
}
