import { ChildProcess, spawn } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { createInterface } from 'readline';
import { TopicPartition } from '@eventline/core';
import { SqliteEventLog } from '@eventline/sqlite';

/**
 * Three OS processes consume one topic as one group on one database file; one is SIGKILLed
 * mid-stream. Its partitions must move to the survivors once its session times out, and in the
 * end every record must have been processed (at least once) and every offset committed to the end.
 */
const REPO = resolve(__dirname, '../..');
const CHILD = join(__dirname, 'groups-consumer-child.ts');
const TOPIC = 'work';
const PARTITIONS = 6;
const PER_PARTITION = 30;
const SESSION_TIMEOUT_MS = 1500;
const HEARTBEAT_MS = 250;
/** Heartbeat period, a poll, and scheduling on a busy 2-core machine. */
const MOVE_MARGIN_MS = 3000;

interface ChildEvent {
  readonly event: string;
  readonly name: string;
  readonly at: number;
  readonly receivedAt: number;
  readonly memberId?: string;
  readonly generation?: number;
  readonly partition?: number;
  readonly partitions?: TopicPartition[];
  readonly offsets?: number[];
  readonly message?: string;
}

interface Consumer {
  readonly name: string;
  readonly process: ChildProcess;
  readonly events: ChildEvent[];
  stderr: string;
  exited: Promise<number | null>;
  /** Set when the process ended without being told to (a crash, not the test's SIGKILL). */
  failure?: string;
}

function startConsumer(name: string, file: string): Consumer {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', CHILD],
    {
      cwd: REPO,
      env: {
        ...process.env,
        TS_NODE_PROJECT: join(REPO, 'tsconfig.json'),
        GROUPS_DB_FILE: file,
        GROUPS_GROUP_ID: 'workers',
        GROUPS_TOPIC: TOPIC,
        GROUPS_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
        GROUPS_HEARTBEAT_MS: String(HEARTBEAT_MS),
        GROUPS_BATCH: '3',
        GROUPS_WORK_MS: '40',
        GROUPS_NAME: name,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const consumer: Consumer = {
    name,
    process: child,
    events: [],
    stderr: '',
    exited: new Promise((done) => child.on('exit', (code) => done(code))),
  };
  child.on('error', (error) => (consumer.failure = `could not start: ${error.message}`));
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGKILL') consumer.failure = `exited with ${code ?? signal}`;
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      consumer.events.push({ ...JSON.parse(line), receivedAt: Date.now() });
    } catch {
      consumer.stderr += `(stdout) ${line}\n`;
    }
  });
  child.stderr!.on('data', (chunk) => (consumer.stderr += String(chunk)));
  return consumer;
}

/** Polls `condition` until it holds; fails with `what` and the children's stderr at the deadline. */
async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  consumers: Consumer[],
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    const crashed = consumers.flatMap((c) =>
      c.events.filter((e) => e.event === 'crashed' || e.event === 'error'),
    );
    if (crashed.length > 0)
      throw new Error(`a consumer failed while waiting for ${what}: ${JSON.stringify(crashed)}`);
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}\n${consumers.map((c) => `[${c.name}] ${c.stderr}`).join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('consumer groups across OS processes (SQLite)', () => {
  let dir: string;
  let log: SqliteEventLog;
  let consumers: Consumer[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eventline-groups-mp-'));
    log = SqliteEventLog.open({ file: join(dir, 'log.db') });
    await log.createTopics([{ name: TOPIC, partitions: PARTITIONS }]);
    const records = Array.from({ length: PARTITIONS * PER_PARTITION }, (_, i) => ({
      topic: TOPIC,
      partition: i % PARTITIONS,
      key: `k-${i}`,
      value: Buffer.from(String(i)),
    }));
    await log.append({ records });
  });

  afterAll(async () => {
    for (const c of consumers)
      if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    await Promise.all(consumers.map((c) => c.exited));
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves a killed member’s partitions to the survivors and processes every record', async () => {
    consumers = ['c0', 'c1', 'c2'].map((name) => startConsumer(name, join(dir, 'log.db')));
    const [victim, ...survivors] = consumers;
    // Process start-up (ts-node compiles the libs) dominates on a slow machine.
    await waitFor(
      'three members',
      async () =>
        (await log.listGroups()).includes('workers') &&
        (await log.describeGroup('workers')).members.length === 3,
      90_000,
      consumers,
    );
    for (const c of consumers) c.process.stdin!.write('go\n');

    // Kill the victim once it has committed work in the three-member generation, with work left.
    let victimPartitions: number[] = [];
    await waitFor(
      'the victim to commit in the full generation',
      async () => {
        const group = await log.describeGroup('workers');
        const member = group.members.find((m) => victim.events.some((e) => e.memberId === m.memberId));
        victimPartitions = member?.partitions.map((p) => p.partition) ?? [];
        return (
          group.members.length === 3 &&
          victim.events.some((e) => e.event === 'committed' && e.generation === group.generation)
        );
      },
      30_000,
      consumers,
    );
    const lagAtKill = (await log.describeGroup('workers')).lag.filter((l) =>
      victimPartitions.includes(l.partition),
    );
    expect(lagAtKill.some((l) => l.lag > 0)).toBe(true);
    victim.process.kill('SIGKILL');
    const killedAt = Date.now();
    await victim.exited;

    // The survivors' own heartbeats must notice the death: the parent stays out of the group.
    const ownerOf = (partition: number): Consumer | undefined =>
      survivors.find((s) => {
        const last = [...s.events].reverse().find((e) => e.event === 'assigned');
        return (
          last !== undefined &&
          last.receivedAt >= killedAt &&
          last.partitions!.some((p) => p.partition === partition)
        );
      });
    await waitFor(
      'the victim’s partitions to move',
      () => victimPartitions.every((p) => ownerOf(p) !== undefined),
      30_000,
      consumers,
    );
    const movedAfterMs = Date.now() - killedAt;
    expect(movedAfterMs).toBeLessThanOrEqual(SESSION_TIMEOUT_MS + MOVE_MARGIN_MS);

    await waitFor(
      'every partition committed to its end',
      async () => {
        const committed = new Map(
          (await log.fetchOffsets('workers', TOPIC)).map((c) => [c.partition, c.offset]),
        );
        return (await log.offsets(TOPIC)).every((p) => committed.get(p.partition) === p.endOffset);
      },
      60_000,
      consumers,
    );
    for (const s of survivors) s.process.stdin!.write('stop\n');
    expect(await Promise.all(survivors.map((s) => s.exited))).toEqual([0, 0]);

    // Every record processed by someone; re-processing after a fence or a kill is allowed, skipping is not.
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const seen = new Set(
        consumers.flatMap((c) =>
          c.events
            .filter((e) => e.event === 'processed' && e.partition === partition)
            .flatMap((e) => e.offsets!),
        ),
      );
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: PER_PARTITION }, (_, i) => i));
    }
    for (const p of victimPartitions) {
      const after = survivors.flatMap((s) =>
        s.events.filter((e) => e.event === 'processed' && e.partition === p && e.receivedAt > killedAt),
      );
      expect(after.length).toBeGreaterThan(0);
    }
    const group = await log.describeGroup('workers');
    expect(group.state).toBe('Empty');
    expect(group.lag.every((l) => l.lag === 0)).toBe(true);
  }, 180_000);
});
