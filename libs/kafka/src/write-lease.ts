import { AppendedRecord, AppendResult, ConcurrencyError, LogRecord, UnavailableError } from '@eventline/core';
import { randomUUID } from 'crypto';
import { Producer, ProduceAcks } from '@platformatic/kafka';
import { AppendPlan, PlannedRecord } from './append-plan';
import { isFenced, isTransient, toEventlineError } from './kafka-errors';
import { KeyIndex } from './key-index';
import { PartitionReader } from './partition-reader';
import { encodeHeaders } from './record-codec';

export interface WriteLeaseOptions {
  readonly clientId: string;
  readonly bootstrapBrokers: string[];
  /** The lease: every writer of one Eventline log uses the same transactional.id. */
  readonly transactionalId: string;
  /** Records per transaction when appends queue up (group commit). */
  readonly maxBatchRecords: number;
}

interface Pending {
  readonly plan: AppendPlan;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

type Numbered = PlannedRecord & { keyVersion: number | null };

/** EndTxn failed with an error that does not tell whether the transaction committed. */
class AmbiguousCommit extends Error {
  constructor(
    override readonly cause: unknown,
    readonly txnId: string,
    readonly results: readonly (Numbered[] | ConcurrencyError)[],
  ) {
    super('ambiguous commit');
  }
}

/** Bytes per send (records of one send to one partition form one batch); see topic-configs.ts. */
export const SEND_CHUNK_BYTES = 256 * 1024;

function chunkBySize(records: readonly Numbered[]): Numbered[][] {
  const chunks: Numbered[][] = [];
  let current: Numbered[] = [];
  let bytes = 0;
  for (const r of records) {
    const size = 64 + (r.key?.length ?? 0) + (r.value?.length ?? 0) + Object.entries(r.headers ?? {}).reduce((n, [k, v]) => n + k.length + v.length + 8, 0);
    if (current.length > 0 && bytes + size > SEND_CHUNK_BYTES) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(r);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Fencing retries per batch before the append is reported as unavailable. */
const MAX_FENCED_RETRIES = 20;

/**
 * Optimistic concurrency on Kafka (DESIGN.md, "Optimistic concurrency on Kafka"). The writer holds
 * a write lease: a transactional producer with the log's one transactional.id. Acquiring it
 * (InitProducerId) fences the previous holder and completes its open transaction; then the
 * holder catches the partitions it writes up to their end (read_committed) and knows every key's
 * version, so it can check expectations and number records itself. Appends queue and are
 * committed in one transaction per batch (group commit); one send in flight (client limit). A
 * fenced holder's transaction is aborted by the broker, so the batch is retried on fresh state.
 */
export class WriteLease {
  private producer?: Producer;
  /** Bumped on every acquisition: an index caught up in an older epoch must be caught up again. */
  private epoch = 0;
  private readonly queue: Pending[] = [];
  private draining = false;
  private closed = false;

  constructor(
    private readonly options: WriteLeaseOptions,
    private readonly index: KeyIndex,
    private readonly reader: PartitionReader,
  ) {}

  append(plan: AppendPlan): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new UnavailableError('The Kafka event log is closed.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ plan, resolve, reject });
      void this.drain();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.draining) await new Promise((r) => setTimeout(r, 5));
    await this.dropProducer();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.takeBatch();
        await this.commitBatch(batch);
      }
    } finally {
      this.draining = false;
    }
  }

  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    let records = 0;
    while (this.queue.length > 0 && (batch.length === 0 || records + this.queue[0].plan.records.length <= this.options.maxBatchRecords)) {
      const next = this.queue.shift()!;
      records += next.plan.records.length;
      batch.push(next);
    }
    return batch;
  }

  private async commitBatch(batch: Pending[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const outcomes = await this.commitOnce(batch);
        batch.forEach((p, i) => {
          const outcome = outcomes[i];
          if (outcome instanceof Error) p.reject(outcome);
          else p.resolve(outcome);
        });
        return;
      } catch (error) {
        await this.dropProducer();
        if ((isFenced(error) || isTransient(error)) && attempt < MAX_FENCED_RETRIES && !this.closed) {
          // Fenced: the broker aborted our transaction. Transient (e.g. the previous holder's
          // transaction still completing): nothing was committed. Either way: retry on fresh state.
          await new Promise((r) => setTimeout(r, 10 * attempt));
          continue;
        }
        if (error instanceof AmbiguousCommit && attempt < MAX_FENCED_RETRIES && !this.closed) {
          const settled = await this.settle(error).catch(() => undefined);
          if (settled === 'aborted') continue;
          if (settled) {
            batch.forEach((p, i) => (settled[i] instanceof Error ? p.reject(settled[i]) : p.resolve(settled[i] as AppendResult)));
            return;
          }
        }
        const failure = toEventlineError(error instanceof AmbiguousCommit ? error.cause : error, 'append');
        batch.forEach((p) => p.reject(failure));
        return;
      }
    }
  }

  /** One transaction: acquire if needed, catch up, check and number, send, commit. */
  private async commitOnce(batch: Pending[]): Promise<(AppendResult | ConcurrencyError)[]> {
    const producer = await this.acquire();
    const tx = await producer.beginTransaction();
    const touched = new Set(batch.flatMap(({ plan }) => [...plan.records, ...plan.expectations].map((r) => r.topic)));
    for (const topic of touched) {
      if (this.index.get(topic).caughtUpInEpoch < this.epoch) await this.index.catchUp(topic, this.epoch);
    }

    // A failing expectation may only mean our cache is stale: another process may have taken the
    // lease and written since our last transaction (we learn of that only when our commit fails).
    // Before refusing anything, read what is committed now.
    const doubtful = batch.some(({ plan }) => plan.expectations.some((e) => this.index.get(e.topic).version(e.key) !== e.version));
    if (doubtful) for (const topic of touched) await this.index.catchUp(topic, this.epoch);

    // Versions as this batch moves them: earlier appends of the batch count for later ones.
    const versions = new Map<string, number>();
    const versionOf = (topic: string, key: string): number =>
      versions.get(`${topic}\u0000${key}`) ?? this.index.get(topic).version(key);
    const accepted: (PlannedRecord & { keyVersion: number | null })[][] = [];
    const results: ((PlannedRecord & { keyVersion: number | null })[] | ConcurrencyError)[] = [];
    for (const { plan } of batch) {
      const failed = plan.expectations.find((e) => versionOf(e.topic, e.key) !== e.version);
      if (failed) {
        results.push(new ConcurrencyError(failed.topic, failed.key, failed.version, versionOf(failed.topic, failed.key)));
        continue;
      }
      const numbered = plan.records.map((r) => {
        if (r.key === null) return { ...r, keyVersion: null };
        const keyVersion = versionOf(r.topic, r.key) + 1;
        versions.set(`${r.topic}\u0000${r.key}`, keyVersion);
        return { ...r, keyVersion };
      });
      accepted.push(numbered);
      results.push(numbered);
    }

    const messages = accepted.flat();
    const txnId = randomUUID();
    if (messages.length === 0) {
      await tx.cancel();
      return results as ConcurrencyError[];
    }
    // Several sends of at most SEND_CHUNK_BYTES: the client makes one batch per partition per send,
    // and Kafka's max.message.bytes limits batches (topics get SEND_CHUNK_BYTES of headroom).
    const offsetOf = new Map<Numbered, number>();
    for (const chunk of chunkBySize(messages)) {
      const sent = await tx.send({
        messages: chunk.map((r) => ({
          topic: r.topic,
          partition: r.partition,
          key: r.key === null ? undefined : Buffer.from(r.key, 'utf8'),
          value: r.value ?? undefined,
          headers: encodeHeaders(r.headers, r.keyVersion, txnId),
          timestamp: BigInt(r.timestamp),
        })),
      });
      // The broker returns each partition's base offset; records follow in send order.
      const base = new Map((sent.offsets ?? []).map((o) => [`${o.topic}\u0000${o.partition}`, Number(o.offset)]));
      const seen = new Map<string, number>();
      for (const r of chunk) {
        const tp = `${r.topic}\u0000${r.partition}`;
        offsetOf.set(r, base.get(tp)! + (seen.get(tp) ?? 0));
        seen.set(tp, (seen.get(tp) ?? 0) + 1);
      }
    }
    try {
      await tx.commit();
    } catch (error) {
      if (isFenced(error)) throw error;
      // E.g. a broker error while another writer fences us: committed or aborted? Settled below.
      throw new AmbiguousCommit(error, txnId, results);
    }

    for (const r of messages) {
      const offset = offsetOf.get(r);
      if (offset === undefined || !Number.isSafeInteger(offset) || offset < 0) {
        // Never acknowledge a record whose place the broker did not report.
        throw new AmbiguousCommit(new Error(`no offset reported for ${r.topic}/${r.partition}`), txnId, results);
      }
    }
    const stored = new Map<string, LogRecord[]>();
    const placed = new Map<PlannedRecord, AppendedRecord>();
    for (const r of messages) {
      const tp = `${r.topic}\u0000${r.partition}`;
      const offset = offsetOf.get(r)!;
      placed.set(r, { topic: r.topic, partition: r.partition, offset, key: r.key, keyVersion: r.keyVersion });
      const list = stored.get(tp) ?? [];
      list.push({ topic: r.topic, partition: r.partition, offset, key: r.key, value: r.value, headers: r.headers ?? {}, timestamp: r.timestamp, keyVersion: r.keyVersion });
      stored.set(tp, list);
    }
    await this.awaitVisible(stored);
    await Promise.all([...stored.values()].map((list) => this.index.applyOwn(list[0].topic, list[0].partition, list)));
    return results.map((r) => (r instanceof ConcurrencyError ? r : { records: r.map((x) => placed.get(x)!) }));
  }

  /**
   * After an ambiguous commit: acquire the lease again (which completes our transaction one way
   * or the other), catch up, and look for our records by the transaction id each carries. Found:
   * the appends committed — their positions come from the index (keyed records only; a batch of
   * only unkeyed records stays unknown). Not found: aborted, safe to retry.
   */
  private async settle(ambiguous: AmbiguousCommit): Promise<'aborted' | (AppendResult | ConcurrencyError)[] | undefined> {
    const producer = await this.acquire();
    const tx = await producer.beginTransaction();
    await tx.cancel();
    const keyed = ambiguous.results.flatMap((r) => (r instanceof ConcurrencyError ? [] : r.filter((x) => x.key !== null)));
    if (keyed.length === 0) return undefined;
    const topics = new Set(keyed.map((r) => r.topic));
    for (const topic of topics) await this.index.catchUp(topic, this.epoch);
    const probe = keyed[0];
    const at = this.index.get(probe.topic).keys.get(probe.key!)?.find((p) => p.keyVersion === probe.keyVersion);
    if (!at) return 'aborted';
    const [found] = await this.reader.fetch(probe.topic, at.partition, at.offset, { maxWaitMs: 0, maxBytes: 1 << 20, maxRecords: 1, fromStart: true, withTxnIds: true });
    if (found?.offset !== at.offset || found.txnId !== ambiguous.txnId) return 'aborted';
    if (ambiguous.results.some((r) => !(r instanceof ConcurrencyError) && r.some((x) => x.key === null))) return undefined;
    return ambiguous.results.map((r) =>
      r instanceof ConcurrencyError
        ? r
        : {
            records: r.map((x) => {
              const p = this.index.get(x.topic).keys.get(x.key!)!.find((q) => q.keyVersion === x.keyVersion)!;
              return { topic: x.topic, partition: p.partition, offset: p.offset, key: x.key, keyVersion: x.keyVersion };
            }),
          },
    );
  }

  /**
   * EndTxn returns before the commit markers are written, and read_committed readers see nothing
   * past the last stable offset until they are: wait for that, so an acknowledged append is
   * readable at once (read-your-writes), as on SQLite.
   */
  private async awaitVisible(stored: Map<string, LogRecord[]>): Promise<void> {
    const need = new Map<string, Map<number, number>>();
    for (const list of stored.values()) {
      const last = list[list.length - 1];
      const byPartition = need.get(last.topic) ?? new Map<number, number>();
      byPartition.set(last.partition, last.offset + 1);
      need.set(last.topic, byPartition);
    }
    for (const [topic, partitions] of need) {
      for (let attempt = 0; ; attempt++) {
        const end = await this.reader.endOffsets(topic);
        if ([...partitions].every(([p, offset]) => Number(end[p]) >= offset)) break;
        if (attempt > 2500) throw new UnavailableError(`The commit markers of a transaction on "${topic}" did not arrive within 5 s.`);
        await new Promise((r) => setTimeout(r, 2));
      }
    }
  }

  /** The producer that holds the lease; a new one fences the previous holder (InitProducerId). */
  private async acquire(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.epoch++;
    const producer = new Producer({
      clientId: this.options.clientId,
      bootstrapBrokers: this.options.bootstrapBrokers,
      // No client retries: on a fencing error the client resets its transaction and a retried send
      // would no longer be part of it. Every retry happens here, from "acquire", on fresh state.
      retries: 0,
      idempotent: true,
      acks: ProduceAcks.ALL,
      transactionalId: this.options.transactionalId,
      // Mandatory (libs/kafka/README.md): without -1/-1 InitProducerId does not fence the old holder.
      producerId: -1n,
      producerEpoch: -1,
    });
    this.producer = producer;
    return producer;
  }

  private async dropProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await Promise.resolve(producer.close(true)).catch(() => undefined);
  }
}
