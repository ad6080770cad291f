import { TopicPartition } from '@eventline/core';

/**
 * Kafka's "consumer" embedded protocol (ConsumerProtocolSubscription / ConsumerProtocolAssignment,
 * version 0), so that Kafka's own tools (kafka-consumer-groups) show the members and their
 * partitions. The assignment's user data carries the generation, which classic DescribeGroups
 * does not report.
 */
export function encodeSubscription(topics: readonly string[]): Buffer {
  return Buffer.concat([int16(0), stringArray(topics), bytes(Buffer.alloc(0))]);
}

export function decodeSubscription(data: Buffer | null): string[] {
  if (!data || data.length < 6) return [];
  const r = new Reader(data);
  r.int16();
  return r.array(() => r.string());
}

export function encodeAssignment(partitions: readonly TopicPartition[], generation: number): Buffer {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
  const topics = [...byTopic.entries()].map(([topic, ps]) =>
    Buffer.concat([string(topic), int32(ps.length), ...ps.map(int32)]),
  );
  return Buffer.concat([int16(0), int32(topics.length), ...topics, bytes(int32(generation))]);
}

export function decodeAssignment(data: Buffer | null): { partitions: TopicPartition[]; generation: number | null } {
  if (!data || data.length < 6) return { partitions: [], generation: null };
  const r = new Reader(data);
  r.int16();
  const partitions = r
    .array(() => {
      const topic = r.string();
      return r.array(() => r.int32()).map((partition) => ({ topic, partition }));
    })
    .flat();
  const user = r.remaining() >= 4 ? r.bytes() : null;
  return { partitions, generation: user && user.length === 4 ? user.readInt32BE(0) : null };
}

const int16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const string = (s: string): Buffer => {
  const body = Buffer.from(s, 'utf8');
  return Buffer.concat([int16(body.length), body]);
};
const stringArray = (items: readonly string[]): Buffer => Buffer.concat([int32(items.length), ...items.map(string)]);
const bytes = (b: Buffer): Buffer => Buffer.concat([int32(b.length), b]);

class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  int16(): number {
    return this.buf.readInt16BE((this.at += 2) - 2);
  }
  int32(): number {
    return this.buf.readInt32BE((this.at += 4) - 4);
  }
  string(): string {
    const n = this.int16();
    return this.buf.toString('utf8', this.at, (this.at += n));
  }
  bytes(): Buffer {
    const n = this.int32();
    return n < 0 ? Buffer.alloc(0) : this.buf.subarray(this.at, (this.at += n));
  }
  array<T>(item: () => T): T[] {
    const n = this.int32();
    return Array.from({ length: Math.max(0, n) }, item);
  }
  remaining(): number {
    return this.buf.length - this.at;
  }
}
