import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { DataSourceOptions } from 'typeorm';
import { fold, history, LEDGER_TOPIC } from './support/ledger';
import { LedgerFixture, ReadModelTarget } from './support/ledger-fixture';
import { describePostgres, postgresTarget } from './support/postgres-database';

/**
 * Three OS processes run one projection as one consumer group over a shared SQLite log and a shared
 * read model; one is SIGKILLed in the middle of a read-model transaction. Its partitions move to
 * the survivors, its open transaction is rolled back, and the final read model equals the fold of
 * the history (what a single process builds, see the store contract): nothing missed, nothing
 * applied twice (every row counts the events applied to it).
 */
const REPO = resolve(__dirname, '../..');
const CHILD = join(__dirname, 'support/projection-child.ts');
const PARTITIONS = 6;

interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly events: { event: string; message?: string; partitions?: number; at: number }[];
  stderr: string;
  readonly exited: Promise<void>;
}

function startChild(name: string, logFile: string, readModel: DataSourceOptions): Child {
  const proc = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', CHILD],
    {
      cwd: REPO,
      env: {
        ...process.env,
        TS_NODE_PROJECT: join(REPO, 'tsconfig.json'),
        CHILD_NAME: name,
        CHILD_LOG_FILE: logFile,
        CHILD_READ_MODEL: JSON.stringify(readModel),
        CHILD_WORK_MS: '3',
        CHILD_BATCH: '25',
        CHILD_SESSION_TIMEOUT_MS: '1500',
        CHILD_HEARTBEAT_MS: '250',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const child: Child = {
    name,
    process: proc,
    events: [],
    stderr: '',
    exited: new Promise((done) => proc.on('exit', () => done())),
  };
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    try {
      child.events.push(JSON.parse(line));
    } catch {
      child.stderr += `(stdout) ${line}\n`;
    }
  });
  proc.stderr!.on('data', (chunk) => (child.stderr += String(chunk)));
  return child;
}

async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  children: Child[],
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    const failed = children.flatMap((c) =>
      c.events.filter((e) => e.event === 'crashed' || e.event === 'error'),
    );
    if (failed.length > 0)
      throw new Error(`a child failed while waiting for ${what}: ${JSON.stringify(failed)}`);
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}\n${children
          .map(
            (c) =>
              `[${c.name}] ${JSON.stringify(c.events.filter((e) => e.event !== 'batch').slice(-2))} ${c.stderr}`,
          )
          .join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

function describeMultiProcess(label: string, target: () => Promise<ReadModelTarget>): void {
  describe(`a projection in three OS processes, one SIGKILLed mid-batch (${label} read model)`, () => {
    let f: LedgerFixture;
    let children: Child[] = [];

    beforeEach(async () => {
      f = new LedgerFixture(await target());
      await f.createTopic(PARTITIONS);
    });

    afterEach(async () => {
      for (const c of children)
        if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
      await Promise.all(children.map((c) => c.exited));
      children = [];
      await f.close();
    });

    // Three children compile TypeScript on start and share two cores with the rest: allow time.
    it('the survivors finish the work; the read model equals the fold of the history', async () => {
      const events = history(24, 1800, 17);
      // A third before the start, the rest once the group is balanced: a quiet machine would
      // otherwise finish everything before there is a batch left to interrupt.
      const [before, after] = [events.slice(0, 600), events.slice(600)];
      await f.append(before, 100);
      const store = await f.store(); // creates the tables before the children start
      const readModel = f.readModelOptions();
      children = ['p0', 'p1', 'p2'].map((name) => startChild(name, join(f.dir, 'log.db'), readModel));
      await until(
        'all ready',
        () => children.every((c) => c.events.some((e) => e.event === 'ready')),
        children,
      );
      for (const c of children) c.process.stdin!.write('go\n');
      await until(
        'all started',
        () => children.every((c) => c.events.some((e) => e.event === 'started')),
        children,
      );

      // Kill p1 a few milliseconds into a batch, once everybody has applied something.
      // Once the group is balanced (every process holds partitions), kill the first process that
      // starts a new batch, a few milliseconds into it: its transaction is open.
      const batches = (c: Child): number => c.events.filter((e) => e.event === 'batch').length;
      await until(
        'a balanced group',
        () => children.every((c) => c.events.some((e) => e.event === 'status' && (e.partitions ?? 0) > 0)),
        children,
      );
      const seen = children.map(batches);
      await f.append(after, 100);
      let victim: Child | undefined;
      await until(
        'a fresh batch',
        () => (victim = children.find((c, i) => batches(c) > seen[i])) !== undefined,
        children,
      );
      await new Promise((r) => setTimeout(r, 15));
      victim!.process.kill('SIGKILL');
      await victim!.exited;

      const ends = await f.log.offsets(LEDGER_TOPIC);
      await until(
        'the survivors caught up',
        async () => {
          const done = new Map((await store.checkpoints('balances')).map((c) => [c.partition, c.nextOffset]));
          return ends.every((o) => (done.get(o.partition) ?? 0) === o.endOffset);
        },
        children,
      );
      const survivors = children.filter((c) => c !== victim);
      for (const c of survivors) c.process.stdin!.write('stop\n');
      await Promise.all(survivors.map((c) => c.exited));
      expect(survivors.every((c) => c.events.some((e) => e.event === 'stopped'))).toBe(true);

      expect(await f.readModel()).toEqual(fold(events));
    }, 180_000);
  });
}

describeMultiProcess('SQLite', async () => ({
  options: (dir) => ({ type: 'better-sqlite3', database: join(dir, 'read.db'), enableWAL: true }),
}));
describePostgres('multi-process projection on PostgreSQL', () =>
  describeMultiProcess('PostgreSQL', postgresTarget),
);
