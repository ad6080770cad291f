import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { KafkaEventLog } from '@eventline/kafka';
import { registerScenario } from '../registry';
import { formatCount, formatStats, summarize } from '../stats';
import { BenchSize, ResultRow, Scenario, ScenarioContext, ScenarioResult } from '../types';
import { acquireBroker, runKafkaTool } from './kafka-broker';

/**
 * The Kafka engine next to Kafka's own ProducerPerformance / ConsumerPerformance (Java, same jars,
 * same broker): appends of 1000-record batches (idempotent, acks=all, transactions of the write
 * lease) and a replay of the whole topic in read_committed, against the Java tools producing and
 * consuming the same number of 100-byte records. ConsumerPerformance runs twice: on the topic
 * ProducerPerformance wrote (the tool's own setting), and on the very topic Eventline replayed, in
 * read_committed (same bytes: keys, Eventline's headers, commit markers). Target (issue): both ≥ 50%
 * of the Java tools.
 */

const PARTITIONS = 8;
const DISTINCT_KEYS = 10_000;
const VALUE_SIZE = 100;
const BATCH = 1000;
const RECORDS: Record<BenchSize, number> = { tiny: 2_000, quick: 20_000, full: 200_000 };

/** Records per second, and this process's CPU time per record (µs): the figure the machine's load does not move much. */
interface Measured {
  readonly rate: number;
  readonly cpuUsPerRecord: number;
}

function measured(records: number, start: bigint, cpu: NodeJS.CpuUsage): Measured {
  const used = process.cpuUsage(cpu);
  return { rate: records / (Number(process.hrtime.bigint() - start) / 1e9), cpuUsPerRecord: (used.user + used.system) / records };
}

async function eventlineAppend(brokers: string, topic: string, records: number): Promise<Measured> {
  const log = await KafkaEventLog.open({ brokers, transactionalId: `eventline-bench-${process.pid}` });
  try {
    await log.createTopics([{ name: topic, partitions: PARTITIONS }]);
    const value = Buffer.alloc(VALUE_SIZE, 7);
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    for (let i = 0; i < records; i += BATCH) {
      const n = Math.min(BATCH, records - i);
      await log.append({
        records: Array.from({ length: n }, (_, j) => ({ topic, key: `entity-${(i + j) % DISTINCT_KEYS}`, value })),
      });
    }
    return measured(records, start, cpu);
  } finally {
    await log.close();
  }
}

async function eventlineReplay(brokers: string, topic: string, records: number): Promise<Measured> {
  const log = await KafkaEventLog.open({ brokers, transactionalId: `eventline-bench-${process.pid}` });
  try {
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    let read = 0;
    for (const { partition, beginOffset, endOffset } of await log.offsets(topic)) {
      let offset = beginOffset;
      while (offset < endOffset) {
        const batch = await log.read(topic, partition, offset, { maxRecords: 10_000, maxBytes: 4 << 20 });
        if (batch.length === 0) break;
        read += batch.length;
        offset = batch[batch.length - 1].offset + 1;
      }
    }
    if (read !== records) throw new Error(`replay read ${read} records, expected ${records}`);
    return measured(records, start, cpu);
  } finally {
    await log.close();
  }
}

/** ProducerPerformance prints "N records sent, X records/sec (...)" as its last summary line. */
function javaProduce(brokers: string, topic: string, records: number): number {
  const out = runKafkaTool('org.apache.kafka.tools.ProducerPerformance', [
    '--topic', topic, '--num-records', String(records), '--record-size', String(VALUE_SIZE), '--throughput', '-1',
    '--producer-props', `bootstrap.servers=${brokers}`, 'acks=all', 'enable.idempotence=true', 'linger.ms=5',
  ]);
  const last = out.trim().split('\n').filter((l) => l.includes('records sent')).pop() ?? '';
  const rate = /([\d.]+) records\/sec/.exec(last)?.[1];
  if (!rate) throw new Error(`ProducerPerformance printed no rate: ${out.slice(-500)}`);
  return Number(rate);
}

/**
 * ConsumerPerformance prints a CSV line; nMsg.sec is the 6th column (fetch.nMsg.sec, without the
 * group join, is the 10th). `consumerConfig`: a properties file (e.g. isolation.level).
 */
function javaConsume(brokers: string, topic: string, records: number, consumerConfig?: string): number {
  const out = runKafkaTool('org.apache.kafka.tools.ConsumerPerformance', [
    '--bootstrap-server', brokers, '--topic', topic, '--messages', String(records), '--timeout', '60000',
    ...(consumerConfig ? ['--consumer.config', consumerConfig] : []),
  ]);
  const line = out.trim().split('\n').pop() ?? '';
  const cols = line.split(',').map((c) => c.trim());
  const rate = Number(cols[9] ?? cols[5]);
  if (!Number.isFinite(rate)) throw new Error(`ConsumerPerformance printed no rate: ${out.slice(-500)}`);
  return rate;
}

async function run(context: ScenarioContext): Promise<ScenarioResult> {
  const records = RECORDS[context.size];
  const broker = acquireBroker((m) => context.progress(m));
  const samples = { append: [] as number[], replay: [] as number[], produce: [] as number[], consume: [] as number[], consumeSame: [] as number[] };
  const cpu = { append: [] as number[], replay: [] as number[] };
  const readCommitted = path.join(context.tmpDir, 'read-committed.properties');
  writeFileSync(readCommitted, 'isolation.level=read_committed\n');
  try {
    for (let i = 0; i < context.warmups + context.repetitions; i++) {
      const warm = i < context.warmups;
      const tag = `${Date.now().toString(36)}-${i}`;
      const eventlineTopic = `bench.kafka.eventline.${tag}`;
      const javaTopic = `bench.kafka.java.${tag}`;
      const append = await eventlineAppend(broker.brokers, eventlineTopic, records);
      const replay = await eventlineReplay(broker.brokers, eventlineTopic, records);
      const log = await KafkaEventLog.open({ brokers: broker.brokers });
      await log.createTopics([{ name: javaTopic, partitions: PARTITIONS }]);
      await log.close();
      const produce = javaProduce(broker.brokers, javaTopic, records);
      const consume = javaConsume(broker.brokers, javaTopic, records);
      const consumeSame = javaConsume(broker.brokers, eventlineTopic, records, readCommitted);
      context.progress(`kafka · ${warm ? 'warm-up' : `rep ${i - context.warmups + 1}`} · append ${formatCount(append.rate)}/s, replay ${formatCount(replay.rate)}/s, java produce ${formatCount(produce)}/s, consume ${formatCount(consume)}/s, consume Eventline's topic ${formatCount(consumeSame)}/s`);
      if (warm) continue;
      samples.append.push(append.rate);
      samples.replay.push(replay.rate);
      cpu.append.push(append.cpuUsPerRecord);
      cpu.replay.push(replay.cpuUsPerRecord);
      samples.produce.push(produce);
      samples.consume.push(consume);
      samples.consumeSame.push(consumeSame);
    }
  } finally {
    broker.release();
  }
  const stats = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v, 'records/s')])) as Record<keyof typeof samples, ReturnType<typeof summarize>>;
  const cpuStats = { append: summarize(cpu.append, 'CPU µs/record'), replay: summarize(cpu.replay, 'CPU µs/record') };
  const rows: ResultRow[] = [
    { id: 'kafka/append/100B/batch-1000', params: { records, batch: BATCH, valueSize: VALUE_SIZE }, metrics: { 'eventline.recordsPerSec': stats.append, 'eventline.cpuMicrosPerRecord': cpuStats.append, 'java.recordsPerSec': stats.produce }, derived: { ratio: stats.append.median / stats.produce.median } },
    { id: 'kafka/replay/100B', params: { records, valueSize: VALUE_SIZE }, metrics: { 'eventline.recordsPerSec': stats.replay, 'eventline.cpuMicrosPerRecord': cpuStats.replay, 'java.recordsPerSec': stats.consume }, derived: { ratio: stats.replay.median / stats.consume.median } },
    { id: 'kafka/replay/100B/same-topic-read-committed', params: { records, valueSize: VALUE_SIZE }, metrics: { 'eventline.recordsPerSec': stats.replay, 'eventline.cpuMicrosPerRecord': cpuStats.replay, 'java.recordsPerSec': stats.consumeSame }, derived: { ratio: stats.replay.median / stats.consumeSame.median } },
  ];
  const micros = (n: number): string => n.toFixed(n < 10 ? 2 : 1);
  return {
    scenario: 'kafka',
    title: 'Kafka engine vs Kafka ProducerPerformance / ConsumerPerformance (same broker)',
    rows,
    table: {
      headers: ['Op', 'Records', 'Eventline rec/s median (min–max)', 'Eventline CPU µs/record', 'Java tool rec/s median (min–max)', 'Eventline/Java'],
      rows: [
        ['append, 1000 per append', formatCount(records), formatStats(stats.append), formatStats(cpuStats.append, micros), formatStats(stats.produce), rows[0].derived.ratio.toFixed(2)],
        ['replay (read whole topic) vs ConsumerPerformance on its own topic', formatCount(records), formatStats(stats.replay), formatStats(cpuStats.replay, micros), formatStats(stats.consume), rows[1].derived.ratio.toFixed(2)],
        ['replay vs ConsumerPerformance on the same Eventline topic, read_committed', formatCount(records), formatStats(stats.replay), formatStats(cpuStats.replay, micros), formatStats(stats.consumeSame), rows[2].derived.ratio.toFixed(2)],
      ],
    },
    notes: [
      `${context.repetitions} timed repetitions after ${context.warmups} warm-up; each repetition uses fresh topics (${PARTITIONS} partitions, ${DISTINCT_KEYS} keys, ${VALUE_SIZE}-byte values).`,
      'Eventline append: KafkaEventLog.append of 1000 records at a time, awaited one after the other — each is one transaction of the write lease (idempotent, acks=all, per-key versions, commit markers awaited before the ack).',
      'Java produce: ProducerPerformance with acks=all, enable.idempotence=true, linger.ms=5, no transactions, its own batching; rate as it reports (JVM start-up excluded).',
      'Eventline replay: KafkaEventLog.read() partition by partition (one partition per Fetch, up to 4 MiB), read_committed, 10 000 records per call, one call awaited after the other; includes decoding each record into a LogRecord (key as a string, headers, key version; the value stays bytes, no event deserialisation) and ListOffsets; no CRC check.',
      'Java consume: ConsumerPerformance fetch.nMsg.sec (group join excluded), defaults otherwise: all 8 partitions per Fetch (1 MiB each), next fetch pipelined, CRC checked, key/value/headers as bytes (no deserialiser), a fresh JVM per run (JIT warm-up counted). First on the topic ProducerPerformance wrote (no keys or headers, no transactions, read_uncommitted), then on the topic Eventline wrote and replayed, with isolation.level=read_committed — the same records and bytes as the Eventline replay.',
      'Eventline CPU µs/record: user + system CPU time of the bench process during the timed part, per record (the broker and the Java tools run in other processes); less moved by the machine\'s load than records/s.',
      'A benchmark, not a test: nothing here asserts timings. Target (issue): Eventline ≥ 50% of the Java tools.',
    ],
    facts: { partitions: PARTITIONS, distinctKeys: DISTINCT_KEYS, valueSize: VALUE_SIZE, batch: BATCH, records, brokers: broker.brokers },
  };
}

export const kafkaScenario: Scenario = {
  name: 'kafka',
  description: 'Kafka engine append and replay vs Kafka ProducerPerformance / ConsumerPerformance on the same broker',
  run,
};

registerScenario(kafkaScenario);
