import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SqliteEventLog } from '@eventline/sqlite';
import { EventLog, LogRecord } from '@eventline/core';

const repo = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'eventline-durability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readPartition(log: EventLog, topic: string, partition: number): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for (;;) {
    const batch = await log.read(topic, partition, out.length ? out[out.length - 1].offset + 1 : 0, {
      maxRecords: 5000,
    });
    if (batch.length === 0) return out;
    out.push(...batch);
  }
}

describe('sqlite durability', () => {
  it('runs WAL with synchronous=FULL on every open, not only the first', async () => {
    const file = join(dir, 'pragmas.db');
    for (let i = 0; i < 2; i++) {
      const log = SqliteEventLog.open({ file });
      expect(log.storage()).toEqual({ file, journalMode: 'wal', synchronous: 'FULL' });
      await log.close();
    }
    const extra = SqliteEventLog.open({ file, synchronous: 'EXTRA' });
    expect(extra.storage().synchronous).toBe('EXTRA');
    await extra.close();
  });

  it('keeps every acknowledged append when the writing process is killed with SIGKILL', async () => {
    const file = join(dir, 'killed.db');
    const topic = 'acks';
    const setup = SqliteEventLog.open({ file });
    await setup.createTopics([{ name: topic, partitions: 3 }]);
    await setup.close();

    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        join(__dirname, 'fixtures/acking-appender.ts'),
        file,
        topic,
      ],
      {
        cwd: repo,
        env: { ...process.env, TS_NODE_PROJECT: join(repo, 'tsconfig.json') },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const acks: Array<[number, number, string, number]> = [];
    let buffered = '';
    await new Promise<void>((done, fail) => {
      child.on('error', fail);
      child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          const [tag, p, o, k, v] = line.split(' ');
          if (tag === 'ack') acks.push([Number(p), Number(o), k, Number(v)]);
        }
        if (acks.length >= 2000 && !child.killed) {
          child.kill('SIGKILL');
          done();
        }
      });
      child.on('exit', () => done());
    });
    await new Promise((r) => child.once('close', r));
    expect(acks.length).toBeGreaterThanOrEqual(2000);

    const log = SqliteEventLog.open({ file });
    const stored = new Map<string, LogRecord>();
    for (let p = 0; p < 3; p++)
      for (const r of await readPartition(log, topic, p)) stored.set(`${p}:${r.offset}`, r);
    for (const [p, o, k, v] of acks) {
      const record = stored.get(`${p}:${o}`);
      expect(record && [record.key, record.keyVersion]).toEqual([k, v]);
    }
    // Offsets stay dense after the crash: whatever committed is a gap-free prefix of each partition.
    const ends = await log.offsets(topic);
    for (const { partition, endOffset } of ends) {
      expect([...stored.values()].filter((r) => r.partition === partition)).toHaveLength(endOffset);
    }
    await log.close();
  });
});
