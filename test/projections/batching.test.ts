import { EntityManager } from 'typeorm';
import { EventLog, ProjectionRunner, ReadOptions, ReadModelStore } from '@eventline/core';
import { Deposited, fold, history, LedgerEvent, Opened } from './support/ledger';
import { LedgerFixture } from './support/ledger-fixture';
import { caughtUp } from './read-model-store-contract';

const PARTITIONS = 4;

/** The real store, counting the read-model transactions (one per batch) and checkpoint reads. */
function countingStore(
  store: ReadModelStore<EntityManager>,
): ReadModelStore<EntityManager> & { count: number; reads: number } {
  const counting = {
    count: 0,
    reads: 0,
    transaction: <T>(work: Parameters<ReadModelStore<EntityManager>['transaction']>[0]) => {
      counting.count += 1;
      return store.transaction(work) as Promise<T>;
    },
    checkpoints: (projection: string) => {
      counting.reads += 1;
      return store.checkpoints(projection);
    },
  };
  return counting;
}

/** The real log, recording which partitions were read without a long poll (a batch fetch). */
function recordingLog(log: EventLog): { log: EventLog; fetched: number[] } {
  const fetched: number[] = [];
  const proxy = new Proxy(log, {
    get(target, property) {
      if (property === 'read') {
        return (topic: string, partition: number, offset: number, options?: ReadOptions) => {
          if (!options?.maxWaitMs) fetched.push(partition);
          return target.read(topic, partition, offset, options);
        };
      }
      const value = (target as unknown as Record<string | symbol, unknown>)[property];
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { log: proxy, fetched };
}

async function applied(runner: ProjectionRunner<EntityManager>, f: LedgerFixture, events: LedgerEvent[]) {
  const records = await f.append(events, 1);
  await runner.waitFor(records, 15_000);
}

describe('ProjectionRunner batching', () => {
  let f: LedgerFixture;

  beforeEach(async () => {
    f = new LedgerFixture();
    await f.createTopic(PARTITIONS);
  });

  afterEach(async () => {
    await f.close();
  });

  it('gathers records appended one by one after a small batch into one read-model transaction', async () => {
    const store = countingStore(await f.store());
    const runner = await f.runner({ store, batchLingerMs: 1_500 });
    await runner.start();
    const opened = [new Opened('a', 'Ann')];
    await applied(runner, f, opened);
    expect(store.count).toBe(1);

    // Three appends, each acknowledged before the next: the runner lingers instead of applying each.
    const moves = [new Deposited('a', 5), new Deposited('a', 7), new Deposited('a', 11)];
    await applied(runner, f, moves);
    expect(store.count).toBe(2);
    expect(await f.readModel()).toEqual(fold([...opened, ...moves]));
  });

  it('does not linger after a full batch: a catch-up goes on at once', async () => {
    const events = history(5, 40, 3);
    await f.append(events);
    const store = countingStore(await f.store());
    // A linger after every batch would take an hour here.
    const runner = await f.runner({ store, batchSize: 4, batchLingerMs: 3_600_000 });
    await runner.start();
    await caughtUp(runner, f);
    expect(await f.readModel()).toEqual(fold(events));
    expect(store.count).toBeGreaterThanOrEqual(events.length / 4);
  });

  it('does not hold a batch back while a caller waits for the read model (read-your-writes)', async () => {
    const runner = await f.runner({ batchLingerMs: 3_600_000 });
    await runner.start();
    await applied(runner, f, [new Opened('a', 'Ann')]);
    // The runner now lingers for an hour after that small batch; a waiting caller cuts it short.
    await applied(runner, f, [new Deposited('a', 5)]);
    await applied(runner, f, [new Deposited('a', 6)]);
    expect(await f.readModel()).toEqual(
      fold([new Opened('a', 'Ann'), new Deposited('a', 5), new Deposited('a', 6)]),
    );
  }, 30_000);

  it('stop() cuts a linger short', async () => {
    const runner = await f.runner({ batchLingerMs: 3_600_000 });
    await runner.start();
    await applied(runner, f, [new Opened('a', 'Ann')]);
    await runner.stop();
    expect((await runner.status()).state).toBe('stopped');
  }, 20_000);

  it('fetches only the partitions that have new records', async () => {
    const { log, fetched } = recordingLog(f.log);
    const runner = await f.runner({ log, batchLingerMs: 0 });
    const events = history(8, 60, 5);
    await f.append(events);
    await runner.start();
    await caughtUp(runner, f);

    fetched.length = 0;
    const [record] = await f.append([new Deposited('acc-1', 3)]);
    await runner.waitFor([record], 15_000);
    expect(new Set(fetched)).toEqual(new Set([record.partition]));
    expect(await f.readModel()).toEqual(fold([...events, new Deposited('acc-1', 3)]));
  });

  it('waitFor answers from memory for records this runner applied itself; others are read from the store', async () => {
    const store = countingStore(await f.store());
    const runner = await f.runner({ store });
    await runner.start();
    const records = await f.append([new Opened('a', 'Ann'), new Deposited('a', 5)], 1);
    await runner.waitFor(records, 15_000);
    const reads = store.reads;
    await runner.waitFor(records, 15_000);
    expect(store.reads).toBe(reads);

    // A partition this runner never applied (nothing there reaches offset 1000): asked of the store.
    await expect(runner.waitFor([{ ...records[0], partition: 3, offset: 1_000 }], 100)).rejects.toMatchObject(
      {
        code: 'PROJECTION_WAIT_TIMEOUT',
      },
    );
    expect(store.reads).toBeGreaterThan(reads);
  });
});
