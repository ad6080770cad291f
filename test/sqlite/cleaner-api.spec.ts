import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TopicConfig, UnknownTopicError, ValidationError } from '@eventline/core';
import { SqliteEventLog } from '@eventline/sqlite';

const dir = mkdtempSync(join(tmpdir(), 'eventline-cleaner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
let now = 1_000_000;
const opened: SqliteEventLog[] = [];
const open = (file = join(dir, `log-${files++}.db`), clock = () => now): SqliteEventLog => {
  const log = SqliteEventLog.open({ file, clock });
  opened.push(log);
  return log;
};
afterEach(async () => {
  await Promise.all(opened.splice(0).map((l) => l.close()));
  now = 1_000_000;
});

async function topic(log: SqliteEventLog, config: Partial<TopicConfig>, partitions = 1): Promise<void> {
  await log.createTopics([{ name: 't', partitions, config }]);
}

async function put(
  log: SqliteEventLog,
  key: string | null,
  value: string | null,
  timestamp = now,
): Promise<void> {
  await log.append({
    records: [
      { topic: 't', key, value: value === null ? null : Buffer.from(value), timestamp, partition: 0 },
    ],
  });
}

async function survivors(log: SqliteEventLog): Promise<Array<[number, string | null, string | null]>> {
  const records = await log.read('t', 0, 0, {
    maxRecords: 100_000,
    maxBytes: 100_000_000,
    autoOffsetReset: 'earliest',
  });
  return records.map((r) => [r.offset, r.key, r.value?.toString() ?? null]);
}

describe('sqlite log cleaner', () => {
  it('rejects an unknown topic with UnknownTopicError', async () => {
    const log = open();
    await expect(log.clean('no-such-topic')).rejects.toBeInstanceOf(UnknownTopicError);
    await expect(log.cleaner.clean('no-such-topic')).rejects.toBeInstanceOf(UnknownTopicError);
  });

  it('rejects a bad chunk size or interval', () => {
    const log = open();
    expect(() => log.cleaner.configure({ chunkSize: 0 })).toThrow(ValidationError);
    expect(() => log.cleaner.start(0)).toThrow(ValidationError);
  });

  describe('boundaries (Kafka comparisons)', () => {
    it('removes a latest tombstone once exactly delete.retention.ms old, not a millisecond earlier', async () => {
      const log = open();
      await topic(log, { cleanupPolicy: 'compact', minCompactionLagMs: 0, deleteRetentionMs: 100 });
      await put(log, 'k', 'v', now - 200);
      await put(log, 'k', null, now - 99);
      expect((await log.clean('t')).removed).toEqual({ superseded: 1, tombstones: 0, retention: 0 });
      expect(await survivors(log)).toEqual([[1, 'k', null]]);
      now += 1;
      expect((await log.clean('t')).removed).toEqual({ superseded: 0, tombstones: 1, retention: 0 });
      expect(await survivors(log)).toEqual([]);
      // Compaction leaves the log start offset alone, as Kafka does; the key's version goes on.
      expect(await log.offsets('t')).toEqual([{ topic: 't', partition: 0, beginOffset: 0, endOffset: 2 }]);
      expect((await log.keyVersions('t', ['k'])).get('k')).toBe(2);
    });

    it('protects the head from the first record younger than min.compaction.lag.ms on, even older records after it', async () => {
      const log = open();
      await topic(log, { cleanupPolicy: 'compact', minCompactionLagMs: 50 });
      await put(log, 'a', 'a0', now - 100); // 0: superseded, cleanable
      await put(log, 'a', 'a1', now - 50); // 1: exactly the lag old → cleanable, superseded by 3
      await put(log, 'b', 'b0', now - 49); // 2: younger than the lag → head starts here
      await put(log, 'a', 'a2', now - 500); // 3: old, but after the head start
      await put(log, 'b', 'b1', now - 500); // 4: in the head too
      expect((await log.clean('t')).removed.superseded).toBe(2);
      expect(await survivors(log)).toEqual([
        [2, 'b', 'b0'],
        [3, 'a', 'a2'],
        [4, 'b', 'b1'],
      ]);
    });

    it('ignores timestamps when min.compaction.lag.ms is 0 and never compacts when it is -1', async () => {
      const lag0 = open();
      await topic(lag0, { cleanupPolicy: 'compact', minCompactionLagMs: 0 });
      await put(lag0, 'a', 'future', now + 10_000);
      await put(lag0, 'a', 'later', now + 20_000);
      expect((await lag0.clean('t')).removed.superseded).toBe(1);
      const never = open();
      await topic(never, { cleanupPolicy: 'compact', minCompactionLagMs: -1, deleteRetentionMs: 0 });
      await put(never, 'a', 'x', 0);
      await put(never, 'a', null, 0);
      expect((await never.clean()).recordsRemoved).toBe(0);
    });

    it('keeps tombstones forever when delete.retention.ms is -1, and refuses unkeyed records on compacted topics', async () => {
      const log = open();
      await topic(log, { cleanupPolicy: 'compact', deleteRetentionMs: -1 });
      await expect(put(log, null, 'u', 0)).rejects.toMatchObject({ code: 'KEY_REQUIRED' });
      await put(log, 'k', 'v', 0);
      await put(log, 'k', null, 0);
      now += 10 ** 9;
      await log.clean('t');
      expect(await survivors(log)).toEqual([[1, 'k', null]]);
    });

    it('retention deletes records strictly older than retention.ms from the start, up to the first young one', async () => {
      const log = open();
      await topic(log, { cleanupPolicy: 'delete', retentionMs: 100 });
      await put(log, 'a', '0', now - 101);
      await put(log, 'a', '1', now - 100); // exactly retention.ms old: kept, and so is everything after
      await put(log, 'b', '2', now - 1000);
      const stats = await log.clean('t');
      expect(stats.removed).toEqual({ superseded: 0, tombstones: 0, retention: 1 });
      expect(await survivors(log)).toEqual([
        [1, 'a', '1'],
        [2, 'b', '2'],
      ]);
      expect((await log.offsets('t'))[0]).toMatchObject({ beginOffset: 1, endOffset: 3 });
      now += 1;
      await log.clean('t');
      expect(await survivors(log)).toEqual([]);
      expect((await log.offsets('t'))[0]).toMatchObject({ beginOffset: 3, endOffset: 3 });
      // Appends go on at the end offset; offsets are never reused.
      await put(log, 'a', '3');
      expect(await survivors(log)).toEqual([[3, 'a', '3']]);
      expect((await log.readKey('t', 'a')).map((r) => r.keyVersion)).toEqual([3]);
    });

    it('does nothing for delete topics that keep history forever, and reports what it examined', async () => {
      const log = open();
      await log.createTopics([
        { name: 'forever', partitions: 2 },
        { name: 't', partitions: 3, config: { cleanupPolicy: 'compact' } },
      ]);
      await put(log, 'a', '1');
      await put(log, 'a', '2');
      const stats = await log.clean();
      expect(stats).toMatchObject({
        topics: 1,
        partitions: 3,
        partitionsChanged: 1,
        recordsRemoved: 1,
        interrupted: false,
      });
      expect(stats.durationMs).toBeGreaterThanOrEqual(0);
    });
  });

  describe('running', () => {
    async function history(log: SqliteEventLog, keys: number, rounds: number): Promise<void> {
      await topic(log, { cleanupPolicy: 'compact', deleteRetentionMs: 0 });
      for (let round = 0; round < rounds; round++) {
        await log.append({
          records: Array.from({ length: keys }, (_, k) => ({
            topic: 't',
            key: `k${k}`,
            value: round === rounds - 1 && k % 2 === 0 ? null : Buffer.from(`${round}`),
            partition: 0,
          })),
        });
      }
    }

    it('is safe when two connections (as two processes would) clean the same file at once', async () => {
      const file = join(dir, `shared-${files++}.db`);
      const a = open(file);
      const b = open(file);
      await history(a, 50, 20);
      a.cleaner.configure({ chunkSize: 7 });
      b.cleaner.configure({ chunkSize: 5 });
      const [sa, sb] = await Promise.all([a.clean('t'), b.clean('t')]);
      expect(sa.recordsRemoved).toBeGreaterThan(0);
      expect(sb.recordsRemoved).toBeGreaterThan(0);
      // Each removal is counted by the cleaner that made it, never twice.
      expect(sa.removed.superseded + sb.removed.superseded).toBe(50 * 19);
      expect(sa.removed.tombstones + sb.removed.tombstones).toBe(25);
      const left = await survivors(b);
      expect(left.map(([offset, key, value]) => [offset, key, value])).toEqual(
        Array.from({ length: 25 }, (_, i) => [19 * 50 + 2 * i + 1, `k${2 * i + 1}`, '19']),
      );
      expect(await a.offsets('t')).toEqual([{ topic: 't', partition: 0, beginOffset: 0, endOffset: 1000 }]);
    });

    it('never resurrects a value when a tombstone lands behind a clean that already passed the value', async () => {
      const log = open();
      await topic(log, { cleanupPolicy: 'compact', deleteRetentionMs: 0 });
      await put(log, 'k', 'v');
      for (let i = 0; i < 20; i++) await put(log, `x${i}`, 'filler');
      log.cleaner.configure({ chunkSize: 1 });
      const cleaning = log.clean('t'); // its first chunk has kept k@0: k's latest record then
      await put(log, 'k', null, 0);
      // The tombstone came after the pass began: that pass leaves it (and so its shadow) to the next one.
      expect((await cleaning).removed).toEqual({ superseded: 0, tombstones: 0, retention: 0 });
      expect(await log.readLatest('t', 'k')).toMatchObject({ offset: 21, value: null });
      expect((await log.clean('t')).removed).toEqual({ superseded: 1, tombstones: 1, retention: 0 });
      expect(await log.readKey('t', 'k')).toEqual([]);
      expect(await log.readLatest('t', 'k')).toBeNull();
    });

    it('lets appends through while a big clean is in progress', async () => {
      const log = open();
      await history(log, 500, 10);
      log.cleaner.configure({ chunkSize: 50 });
      let cleaned = false;
      const cleaning = log.clean('t').then((s) => ((cleaned = true), s));
      await put(log, 'late', 'x');
      expect(cleaned).toBe(false);
      expect((await cleaning).recordsRemoved).toBe(500 * 9 + 250);
    });

    it('stop() interrupts a clean at its next chunk, without waiting, and close() during a clean is harmless', async () => {
      const log = open();
      await history(log, 100, 3);
      log.cleaner.configure({ chunkSize: 10 });
      const cleaning = log.clean('t');
      log.cleaner.stop();
      const stats = await cleaning;
      expect(stats.interrupted).toBe(true);
      expect(stats.recordsRemoved).toBeLessThan(250);
      const again = log.clean('t');
      await log.close();
      await expect(again).resolves.toMatchObject({ interrupted: true });
    });

    it('cleans in the background on an unref timer and reports failures instead of throwing', async () => {
      let broken = false;
      const log = open(undefined, () => {
        if (broken) throw new Error('clock broke');
        return now;
      });
      await history(log, 10, 2);
      const errors: unknown[] = [];
      log.cleaner.configure({ onError: (e) => errors.push(e) });
      log.cleaner.start(5);
      await waitFor(() => log.cleaner.lastBackgroundStats !== undefined);
      expect(await survivors(log)).toHaveLength(5);
      broken = true;
      await waitFor(() => errors.length >= 2);
      expect((errors[0] as Error).message).toBe('clock broke');
      log.cleaner.stop();
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}
