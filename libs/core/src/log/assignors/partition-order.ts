import { TopicPartition } from '../record';

/**
 * Java's String#compareTo order (UTF-16 code units), which Kafka's assignors sort by;
 * localeCompare would make the result depend on the process's locale.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  return a.topic === b.topic ? a.partition - b.partition : compareStrings(a.topic, b.topic);
}

export function partitionKey(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}

/** Sorted, duplicates dropped: assignors must not trust their caller's order to stay deterministic. */
export function sortPartitions(partitions: readonly TopicPartition[]): TopicPartition[] {
  const seen = new Set<string>();
  const unique: TopicPartition[] = [];
  for (const tp of partitions) {
    const key = partitionKey(tp);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push({ topic: tp.topic, partition: tp.partition });
  }
  return unique.sort(compareTopicPartitions);
}

export function sortMembers(members: readonly string[]): string[] {
  return [...new Set(members)].sort(compareStrings);
}

export function emptyAssignment(members: readonly string[]): Map<string, TopicPartition[]> {
  return new Map(members.map((m) => [m, []]));
}
