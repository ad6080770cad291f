import { murmur2, toPositive } from './murmur2';

/** Partition of a keyed record: `toPositive(murmur2(utf8(key))) % partitions`, as Kafka's Java client does. */
export function partitionForKey(key: string, partitions: number): number {
  return toPositive(murmur2(Buffer.from(key, 'utf8'))) % partitions;
}

/**
 * Chooses partitions for records that name none: keyed by murmur2, unkeyed round-robin per topic.
 * One instance per producer, like Kafka's (the round-robin counter is the producer's own).
 */
export class Partitioner {
  private readonly counters = new Map<string, number>();

  partition(topic: string, key: string | null, partitions: number): number {
    if (key !== null) return partitionForKey(key, partitions);
    const next = this.counters.get(topic) ?? 0;
    this.counters.set(topic, (next + 1) % 0x7fffffff);
    return next % partitions;
  }
}
