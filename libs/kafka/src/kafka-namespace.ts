import {
  AppendRequest,
  AppendResult,
  CommittedOffset,
  EventlineError,
  GroupAssignment,
  GroupDescription,
  LogRecord,
  OffsetCommit,
  PartitionOffsets,
  TopicDescription,
  TopicSpec,
  ValidationError,
} from '@eventline/core';

/** Kafka's topic-name alphabet; a namespace leaves room for the topic name after it (249 in all). */
const LEGAL_NAMESPACE = /^[a-zA-Z0-9._-]{1,100}$/;
const MAX_KAFKA_TOPIC = 249;
/** Fields of errors' details that name a topic or group (see core's log errors). */
const NAME_FIELDS = new Set(['topic', 'topics', 'name', 'groupId']);

/**
 * Topic names, group ids and the transactional.id are global in a Kafka cluster. A namespace
 * prefixes every name this log uses in Kafka (`<ns>.account.events`, group `<ns>.balances`), so
 * several applications or test runs can share one broker, while the application keeps seeing its
 * own names: this maps names on the way in and records, descriptions and errors on the way out.
 * Without a namespace every mapping is the identity (and returns the same objects).
 */
export class KafkaNamespace {
  private readonly prefix: string;
  private readonly inMessages?: RegExp;

  constructor(readonly name?: string) {
    if (name !== undefined) {
      if (typeof name !== 'string' || !LEGAL_NAMESPACE.test(name) || /^\.+$/.test(name) || name.startsWith('__')) {
        throw new ValidationError(
          `Kafka namespace ${JSON.stringify(name)} is not legal: use 1-100 characters of a-z, A-Z, 0-9, ".", "_", "-", ` +
            `not only dots and not starting with "__" (Kafka's internal topics). It prefixes topic and group names.`,
          { namespace: name },
        );
      }
    }
    this.prefix = name === undefined ? '' : `${name}.`;
    // A prefixed name inside an error message starts at a non-name character (or the start).
    if (name !== undefined) this.inMessages = new RegExp(`(^|[^a-zA-Z0-9._-])${name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}\\.`, 'g');
  }

  /** The Kafka name of one of the application's topics (or internal names such as the settings topic). */
  topic(local: string): string {
    return this.prefix + local;
  }

  /** The Kafka name of a consumer group. */
  group(local: string): string {
    return this.prefix + local;
  }

  /** Whether a Kafka topic or group name belongs to this namespace. */
  owns(kafkaName: string): boolean {
    return kafkaName.startsWith(this.prefix);
  }

  /** Whether listTopics shows a Kafka topic: the namespace's own, not internal (`__…` after the namespace). */
  listed(kafkaTopic: string): boolean {
    return this.owns(kafkaTopic) && !this.local(kafkaTopic).startsWith('__');
  }

  /** The application's name for one of this namespace's Kafka names. */
  local(kafkaName: string): string {
    return this.prefix && kafkaName.startsWith(this.prefix) ? kafkaName.slice(this.prefix.length) : kafkaName;
  }

  /** The write lease's transactional.id: `base` alone, or `base.<ns>` (two namespaces never fence each other). */
  transactionalId(base: string): string {
    return this.name === undefined ? base : `${base}.${this.name}`;
  }

  topicSpecs(specs: readonly TopicSpec[]): readonly TopicSpec[] {
    if (!this.prefix || !Array.isArray(specs)) return specs;
    return specs.map((spec) => {
      const name = typeof spec?.name === 'string' ? this.topic(spec.name) : spec?.name;
      if (typeof name === 'string' && name.length > MAX_KAFKA_TOPIC && spec.name.length <= MAX_KAFKA_TOPIC) {
        throw new ValidationError(
          `Topic "${spec.name}" is too long for namespace "${this.name}": in Kafka it is "${name}" (${name.length} characters, at most ${MAX_KAFKA_TOPIC}). Use a shorter topic name or namespace.`,
          { name: spec.name, namespace: this.name },
        );
      }
      return spec && { ...spec, name };
    });
  }

  appendRequest(request: AppendRequest): AppendRequest {
    if (!this.prefix || !request || !Array.isArray(request.records)) return request;
    return {
      ...request,
      records: request.records.map((r) => (r && typeof r.topic === 'string' ? { ...r, topic: this.topic(r.topic) } : r)),
      ...(Array.isArray(request.expectations)
        ? { expectations: request.expectations.map((e) => (e && typeof e.topic === 'string' ? { ...e, topic: this.topic(e.topic) } : e)) }
        : {}),
    };
  }

  offsetCommits(offsets: readonly OffsetCommit[]): readonly OffsetCommit[] {
    if (!this.prefix || !Array.isArray(offsets)) return offsets;
    return offsets.map((o) => (o && typeof o.topic === 'string' ? { ...o, topic: this.topic(o.topic) } : o));
  }

  appendResult(result: AppendResult): AppendResult {
    if (!this.prefix) return result;
    return { ...result, records: result.records.map((r) => ({ ...r, topic: this.local(r.topic) })) };
  }

  records(records: LogRecord[]): LogRecord[] {
    return this.prefix ? records.map((r) => this.record(r)) : records;
  }

  record<R extends LogRecord | null>(record: R): R {
    return this.prefix && record ? ({ ...record, topic: this.local(record.topic) } as R) : record;
  }

  description(d: TopicDescription): TopicDescription {
    return this.prefix ? { ...d, name: this.local(d.name) } : d;
  }

  partitionOffsets(list: PartitionOffsets[]): PartitionOffsets[] {
    return this.prefix ? list.map((o) => ({ ...o, topic: this.local(o.topic) })) : list;
  }

  committed(list: CommittedOffset[]): CommittedOffset[] {
    return this.prefix ? list.map((o) => ({ ...o, topic: this.local(o.topic) })) : list;
  }

  assignment<A extends GroupAssignment>(a: A): A {
    if (!this.prefix) return a;
    return { ...a, groupId: this.local(a.groupId), partitions: a.partitions.map((p) => ({ ...p, topic: this.local(p.topic) })) };
  }

  groupDescription(d: GroupDescription): GroupDescription {
    if (!this.prefix) return d;
    return {
      ...d,
      groupId: this.local(d.groupId),
      topics: d.topics.map((t) => this.local(t)),
      members: d.members.map((m) => ({ ...m, partitions: m.partitions.map((p) => ({ ...p, topic: this.local(p.topic) })) })),
      lag: d.lag.map((l) => ({ ...l, topic: this.local(l.topic) })),
    };
  }

  /** An error as the application would have seen it without the namespace: its own names in message and details. */
  error(error: unknown): unknown {
    if (!this.prefix || !(error instanceof EventlineError)) return error;
    const mutable = error as { message: string; details?: Record<string, unknown> };
    mutable.message = error.message.replace(this.inMessages!, '$1');
    if (error.details) mutable.details = this.localNames(error.details) as Record<string, unknown>;
    return error;
  }

  /** Runs one call of the port and maps its failure (see error()). */
  async guard<T>(work: () => Promise<T>): Promise<T> {
    if (!this.prefix) return work();
    try {
      return await work();
    } catch (error) {
      throw this.error(error);
    }
  }

  /** Only fields that hold topic or group names: a key or a value that happens to start with the prefix stays. */
  private localNames(value: unknown, field = ''): unknown {
    if (typeof value === 'string') return NAME_FIELDS.has(field) ? this.local(value) : value;
    if (Array.isArray(value)) return value.map((v) => this.localNames(v, field));
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.localNames(v, k)]));
    }
    return value;
  }
}
