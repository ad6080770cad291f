import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { partitionForKey, ProducerRecord } from '@eventline/core';
import { SqliteEventLog } from '@eventline/sqlite';
import { registerScenario } from '../registry';
import { mulberry32 } from '../zipf';
import { timeVariants, Variant } from '../measure';
import { formatCount, formatStats, summarize } from '../stats';
import { BenchSize, ResultRow, Scenario, ScenarioContext, ScenarioResult } from '../types';

/**
 * The log benchmark: Eventline's SQLite engine against a raw better-sqlite3 loop writing and
 * reading the same records into an equivalent table with the same durability — the physical
 * limit on this machine. Appends by batch size (1 sequential, 1 with concurrent producers and
 * group commit, 100, 1000) and value size (100 B, 1 KiB); sequential reads of the whole topic.
 */

const TOPIC = 'bench.log';
const PARTITIONS = 8;
const DISTINCT_KEYS = 10_000;
const CONCURRENCY = 64;
const READ_BATCH = 1000;
const VALUE_SIZES = [100, 1024] as const;

interface Sizes {
  /** Records appended one awaited append at a time (one fsync each). */
  readonly sequential: number;
  /** Records appended by CONCURRENCY producers, one record per append. */
  readonly concurrent: number;
  readonly batch100: number;
  readonly batch1000: number;
  /** Records in the topic that is read back (also the batch-1000 append size). */
  readonly read: number;
}

const SIZES: Record<BenchSize, Sizes> = {
  tiny: { sequential: 10, concurrent: 128, batch100: 500, batch1000: 1_000, read: 1_000 },
  quick: { sequential: 50, concurrent: 640, batch100: 3_000, batch1000: 5_000, read: 5_000 },
  full: { sequential: 2_000, concurrent: 32_000, batch100: 100_000, batch1000: 200_000, read: 200_000 },
};

/** One record of the workload, with the partition murmur2 gives its key (the raw loop needs it precomputed). */
interface BenchRecord {
  readonly key: string;
  readonly value: Buffer;
  readonly timestamp: number;
  readonly partition: number;
}

interface Workload {
  readonly records: readonly BenchRecord[];
  /** Key + value bytes of all records: the payload MB/s is computed from this. */
  readonly payloadBytes: number;
}

/** Deterministic workload: uniform keys over DISTINCT_KEYS, incompressible values, increasing timestamps. */
function makeWorkload(count: number, valueSize: number, seed: number): Workload {
  const random = mulberry32(seed);
  const pool = Buffer.alloc(1 << 20);
  for (let i = 0; i < pool.length; i += 4) pool.writeUInt32LE(Math.floor(random() * 2 ** 32), i);
  const keys = Array.from({ length: DISTINCT_KEYS }, (_, k) => `entity-${k}`);
  const partitions = keys.map((k) => partitionForKey(k, PARTITIONS));
  const base = Date.UTC(2025, 0, 1);
  let payloadBytes = 0;
  const records = Array.from({ length: count }, (_, i): BenchRecord => {
    const k = Math.floor(random() * DISTINCT_KEYS);
    const start = Math.floor(random() * (pool.length - valueSize));
    const value = pool.subarray(start, start + valueSize);
    payloadBytes += Buffer.byteLength(keys[k]) + valueSize;
    return { key: keys[k], value, timestamp: base + i, partition: partitions[k] };
  });
  return { records, payloadBytes };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

let fileCounter = 0;
function freshFile(dir: string, prefix: string): string {
  return path.join(dir, `${prefix}-${process.pid}-${++fileCounter}.db`);
}

function removeDatabase(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
}

// ---------------------------------------------------------------------------------------------
// Eventline side

async function openEventline(file: string, keyIndex = false): Promise<SqliteEventLog> {
  const log = SqliteEventLog.open({ file });
  await log.createTopics([{ name: TOPIC, partitions: PARTITIONS, keyIndex }]);
  return log;
}

function toProducerRecord(r: BenchRecord): ProducerRecord {
  return { topic: TOPIC, key: r.key, value: r.value, timestamp: r.timestamp };
}

async function checkEventlineCount(log: SqliteEventLog, expected: number): Promise<void> {
  const total = (await log.offsets(TOPIC)).reduce((sum, p) => sum + p.endOffset - p.beginOffset, 0);
  if (total !== expected) throw new Error(`Eventline holds ${total} records, expected ${expected}.`);
}

/** `concurrency` = 1: each append awaited before the next; > 1: that many producers, each awaiting its own. */
function eventlineAppend(
  dir: string,
  workload: Workload,
  batchSize: number,
  concurrency: number,
  keyIndex = false,
): Variant {
  return {
    name: 'eventline',
    async prepare() {
      const file = freshFile(dir, 'eventline');
      const log = await openEventline(file, keyIndex);
      const batches = chunk(workload.records.map(toProducerRecord), batchSize);
      return {
        async run() {
          let next = 0;
          const producer = async (): Promise<void> => {
            while (next < batches.length) await log.append({ records: batches[next++] });
          };
          await Promise.all(Array.from({ length: concurrency }, producer));
        },
        async dispose() {
          try {
            await checkEventlineCount(log, workload.records.length);
          } finally {
            await log.close();
            removeDatabase(file);
          }
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Raw better-sqlite3 side: the same records, the same durability, the least work SQLite allows.

const RAW_DDL = `
CREATE TABLE records (
  topic_id   INTEGER NOT NULL,
  partition  INTEGER NOT NULL,
  offset     INTEGER NOT NULL,
  key        TEXT,
  value      BLOB,
  timestamp  INTEGER NOT NULL,
  PRIMARY KEY (topic_id, partition, offset)
) WITHOUT ROWID`;

/** Opened exactly as Eventline opens its log: WAL, synchronous=FULL read back, the same page cache. */
function openRaw(file: string, create: boolean): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  if (db.pragma('synchronous', { simple: true }) !== 2)
    throw new Error('raw baseline: synchronous=FULL not in effect');
  db.pragma('cache_size = -65536');
  if (create) db.exec(RAW_DDL);
  return db;
}

function rawWriter(db: Database.Database): (batch: readonly BenchRecord[]) => void {
  const insert = db.prepare(
    'INSERT INTO records (topic_id, partition, offset, key, value, timestamp) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const next = new Array<number>(PARTITIONS).fill(0);
  const write = db.transaction((batch: readonly BenchRecord[]) => {
    for (const r of batch) insert.run(1, r.partition, next[r.partition]++, r.key, r.value, r.timestamp);
  });
  return (batch) => write.immediate(batch);
}

function checkRawCount(db: Database.Database, expected: number): void {
  const total = db.prepare('SELECT count(*) FROM records').pluck().get() as number;
  if (total !== expected) throw new Error(`raw table holds ${total} records, expected ${expected}.`);
}

/** One transaction (one fsync) per `rowsPerTransaction` rows, in a plain synchronous loop. */
function rawAppend(dir: string, workload: Workload, rowsPerTransaction: number): Variant {
  return {
    name: 'raw',
    prepare() {
      const file = freshFile(dir, 'raw');
      const db = openRaw(file, true);
      const write = rawWriter(db);
      const batches = chunk(workload.records, rowsPerTransaction);
      return {
        run() {
          for (const batch of batches) write(batch);
        },
        dispose() {
          try {
            checkRawCount(db, workload.records.length);
          } finally {
            db.close();
            removeDatabase(file);
          }
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Reads: the whole topic, partition by partition, READ_BATCH records per call.

function eventlineRead(log: SqliteEventLog, expected: number): Variant {
  return {
    name: 'eventline',
    prepare: () => ({
      async run() {
        let count = 0;
        for (let p = 0; p < PARTITIONS; p++) {
          let offset = 0;
          for (;;) {
            const records = await log.read(TOPIC, p, offset, { maxRecords: READ_BATCH, maxBytes: 64 << 20 });
            if (records.length === 0) break;
            count += records.length;
            offset = records[records.length - 1].offset + 1;
          }
        }
        if (count !== expected) throw new Error(`Eventline read ${count} records, expected ${expected}.`);
      },
      dispose() {},
    }),
  };
}

function rawRead(db: Database.Database, expected: number): Variant {
  const select = db.prepare(
    `SELECT partition, offset, key, value, timestamp FROM records
     WHERE topic_id = ? AND partition = ? AND offset >= ? ORDER BY offset LIMIT ?`,
  );
  return {
    name: 'raw',
    prepare: () => ({
      run() {
        let count = 0;
        for (let p = 0; p < PARTITIONS; p++) {
          let offset = 0;
          for (;;) {
            const rows = select.all(1, p, offset, READ_BATCH) as Array<{ offset: number }>;
            if (rows.length === 0) break;
            count += rows.length;
            offset = rows[rows.length - 1].offset + 1;
          }
        }
        if (count !== expected) throw new Error(`raw read ${count} records, expected ${expected}.`);
      },
      dispose() {},
    }),
  };
}

// ---------------------------------------------------------------------------------------------

interface Case {
  readonly id: string;
  readonly operation: 'append' | 'read';
  readonly valueSize: number;
  readonly eventlineMode: string;
  readonly rawMode: string;
  readonly workload: Workload;
  readonly variants: readonly Variant[];
}

function valueLabel(size: number): string {
  return size >= 1024 ? `${size / 1024} KiB` : `${size} B`;
}

async function run(context: ScenarioContext): Promise<ScenarioResult> {
  const sizes = SIZES[context.size];
  const dir = context.tmpDir;
  const rows: ResultRow[] = [];
  const table: string[][] = [];

  const measure = async (c: Case): Promise<void> => {
    const label = `${c.operation} ${valueLabel(c.valueSize)} ${c.eventlineMode}`;
    const seconds = await timeVariants(context, label, c.variants);
    const n = c.workload.records.length;
    const rps = (name: string) =>
      summarize(
        seconds.get(name)!.map((s) => n / s),
        'records/s',
      );
    const mbps = (name: string) =>
      summarize(
        seconds.get(name)!.map((s) => c.workload.payloadBytes / s / 1e6),
        'MB/s',
      );
    const metrics = {
      'eventline.recordsPerSec': rps('eventline'),
      'eventline.megabytesPerSec': mbps('eventline'),
      'raw.recordsPerSec': rps('raw'),
      'raw.megabytesPerSec': mbps('raw'),
    };
    const ratio = metrics['eventline.recordsPerSec'].median / metrics['raw.recordsPerSec'].median;
    rows.push({
      id: c.id,
      params: {
        operation: c.operation,
        valueBytes: c.valueSize,
        eventline: c.eventlineMode,
        raw: c.rawMode,
        records: n,
        partitions: PARTITIONS,
        distinctKeys: DISTINCT_KEYS,
      },
      metrics,
      derived: { ratio },
    });
    table.push([
      c.operation,
      valueLabel(c.valueSize),
      c.eventlineMode,
      c.rawMode,
      formatCount(n),
      formatStats(metrics['eventline.recordsPerSec']),
      metrics['eventline.megabytesPerSec'].median.toFixed(1),
      formatStats(metrics['raw.recordsPerSec']),
      metrics['raw.megabytesPerSec'].median.toFixed(1),
      `${(ratio * 100).toFixed(0)}%`,
    ]);
  };

  let seed = 1;
  for (const valueSize of VALUE_SIZES) {
    const v = valueLabel(valueSize).replace(' ', '');
    const sequential = makeWorkload(sizes.sequential, valueSize, seed++);
    await measure({
      id: `append/${v}/batch-1/sequential`,
      operation: 'append',
      valueSize,
      eventlineMode: '1 rec/append, sequential (awaited)',
      rawMode: '1 row/txn',
      workload: sequential,
      variants: [eventlineAppend(dir, sequential, 1, 1), rawAppend(dir, sequential, 1)],
    });
    const concurrent = makeWorkload(sizes.concurrent, valueSize, seed++);
    await measure({
      id: `append/${v}/batch-1/concurrent-${CONCURRENCY}`,
      operation: 'append',
      valueSize,
      eventlineMode: `1 rec/append, ${CONCURRENCY} concurrent producers (group commit)`,
      rawMode: `${CONCURRENCY} rows/txn (ideal group commit)`,
      workload: concurrent,
      variants: [eventlineAppend(dir, concurrent, 1, CONCURRENCY), rawAppend(dir, concurrent, CONCURRENCY)],
    });
    const batch100 = makeWorkload(sizes.batch100, valueSize, seed++);
    await measure({
      id: `append/${v}/batch-100`,
      operation: 'append',
      valueSize,
      eventlineMode: '100 rec/append, sequential',
      rawMode: '100 rows/txn',
      workload: batch100,
      variants: [eventlineAppend(dir, batch100, 100, 1), rawAppend(dir, batch100, 100)],
    });
    const batch1000 = makeWorkload(sizes.batch1000, valueSize, seed++);
    await measure({
      id: `append/${v}/batch-1000`,
      operation: 'append',
      valueSize,
      eventlineMode: '1000 rec/append, sequential',
      rawMode: '1000 rows/txn',
      workload: batch1000,
      variants: [eventlineAppend(dir, batch1000, 1000, 1), rawAppend(dir, batch1000, 1000)],
    });
    if (valueSize === VALUE_SIZES[0]) {
      // What an entity-stream topic (<aggregate>.events) pays for readKey: the records_by_key index.
      await measure({
        id: `append/${v}/batch-1000/key-index`,
        operation: 'append',
        valueSize,
        eventlineMode: '1000 rec/append, sequential, topic with keyIndex',
        rawMode: '1000 rows/txn',
        workload: batch1000,
        variants: [eventlineAppend(dir, batch1000, 1000, 1, true), rawAppend(dir, batch1000, 1000)],
      });
    }

    // Reads: fill one database of each kind once (untimed), then time whole-topic scans.
    const readWorkload =
      sizes.read === sizes.batch1000 ? batch1000 : makeWorkload(sizes.read, valueSize, seed++);
    context.progress(
      `read ${valueLabel(valueSize)}: filling ${formatCount(sizes.read)} records into both databases`,
    );
    const elFile = freshFile(dir, 'eventline-read');
    const rawFile = freshFile(dir, 'raw-read');
    const log = await openEventline(elFile);
    const rawDb = openRaw(rawFile, true);
    try {
      for (const batch of chunk(readWorkload.records.map(toProducerRecord), 1000))
        await log.append({ records: batch });
      const write = rawWriter(rawDb);
      for (const batch of chunk(readWorkload.records, 1000)) write(batch);
      await measure({
        id: `read/${v}`,
        operation: 'read',
        valueSize,
        eventlineMode: `read(topic, p, offset, { maxRecords: ${READ_BATCH} }) over ${PARTITIONS} partitions`,
        rawMode: `SELECT … offset >= ? LIMIT ${READ_BATCH}`,
        workload: readWorkload,
        variants: [eventlineRead(log, sizes.read), rawRead(rawDb, sizes.read)],
      });
    } finally {
      await log.close();
      rawDb.close();
      removeDatabase(elFile);
      removeDatabase(rawFile);
    }
  }

  return {
    scenario: 'log',
    title: 'Log: Eventline SQLite engine vs raw better-sqlite3',
    rows,
    table: {
      headers: [
        'Op',
        'Value',
        'Eventline',
        'Raw baseline',
        'Records',
        'Eventline rec/s median (min–max)',
        'Eventline MB/s',
        'Raw rec/s median (min–max)',
        'Raw MB/s',
        'Eventline/raw',
      ],
      rows: table,
    },
    notes: [
      `${context.repetitions} timed repetitions after ${context.warmups} warm-up, Eventline and raw interleaved; median with min–max. MB/s = key + value bytes (1 MB = 10^6 B).`,
      `Records: ${DISTINCT_KEYS} distinct keys drawn uniformly, ${PARTITIONS} partitions by murmur2(key), incompressible values, explicit timestamps; the same records for both sides.`,
      'Raw baseline: the same file settings (WAL, synchronous=FULL read back, cache_size 64 MiB), a table with topic_id/partition/offset/key/value/timestamp and the same primary key (WITHOUT ROWID), one BEGIN IMMEDIATE transaction per batch, offsets and partitions computed in memory — no per-key version, no key index, no headers, no validation. Eventline topics are created without keyIndex (the default) except in the key-index row.',
      'Appends: a fresh database per repetition; timing ends when the last append has been acknowledged (committed and fsynced).',
      `Concurrent row: ${CONCURRENCY} producers each await their own one-record append; group commit shares a transaction among appends of one event-loop turn. Its baseline is raw ${CONCURRENCY} rows per transaction — what perfect group commit could reach; compare with the sequential row to see the gain over one fsync per record.`,
      'Reads: the whole topic, partition by partition, from a database filled beforehand; warm OS page cache.',
      'A benchmark, not a test: nothing here asserts timings. Target (issue): appends ≥ 50% of raw.',
    ],
    facts: {
      topic: TOPIC,
      partitions: PARTITIONS,
      distinctKeys: DISTINCT_KEYS,
      concurrency: CONCURRENCY,
      readBatch: READ_BATCH,
      sizes,
    },
  };
}

export const logScenario: Scenario = {
  name: 'log',
  description: 'append and sequential-read throughput of the SQLite engine vs a raw better-sqlite3 loop',
  run,
};

registerScenario(logScenario);
