import { fork } from 'child_process';
import { join } from 'path';
import { ConcurrencyError, LogRecord } from '@eventline/core';
import { Account } from './bank/account';
import { openWriteSide, tempDbFile, WriteSide } from './support/write-side';

class Deposit {
  constructor(
    readonly accountId: string,
    readonly amount: number,
  ) {}
}

/** A handler that loads, waits until its rival has loaded the same version too, then decides. */
function racingDeposit(side: WriteSide, command: Deposit, loaded: () => Promise<void>) {
  const accounts = side.store.repository(Account);
  return side.pipeline.execute(command, async () => {
    const account = await accounts.load(command.accountId);
    await loaded();
    account.deposit(command.amount);
    await accounts.save(account);
    return account.version;
  });
}

function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    if (++arrived === parties) open();
    return opened;
  };
}

async function openAccount(side: WriteSide, id: string): Promise<void> {
  const accounts = side.store.repository(Account);
  await side.pipeline.execute(new Deposit(id, 0), async () => {
    const account = await accounts.create(id);
    account.open('ada', 'EUR');
    await accounts.save(account);
  });
}

/** Asserts the stream is gap-free, without duplicates, and holds exactly `amounts` after the opening. */
function expectStream(records: LogRecord[], amounts: number[]): void {
  expect(records.map((r) => r.keyVersion)).toEqual(records.map((_, i) => i + 1));
  const ids = records.map((r) => r.headers['eventline.event-id']);
  expect(new Set(ids).size).toBe(ids.length);
  const stored = records.slice(1).map((r) => (JSON.parse(r.value!.toString()) as { amount: number }).amount);
  expect(stored.sort((a, b) => a - b)).toEqual([...amounts].sort((a, b) => a - b));
}

jest.setTimeout(240_000);

describe('optimistic concurrency', () => {
  // Commands of ONE store queue per aggregate (AggregateLocks); two stores on one log race as two
  // processes would, which is the case optimistic concurrency decides.
  it('1000 racing pairs from two stores: exactly one winner per version, the loser gets ConcurrencyError', async () => {
    const side = await openWriteSide(tempDbFile());
    const rival = await openWriteSide('', { log: side.log });
    await openAccount(side, 'acc-1');
    const winners: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const loaded = barrier(2);
      const [a, b] = await Promise.allSettled([
        racingDeposit(side, new Deposit('acc-1', 2 * i + 1), loaded),
        racingDeposit(rival, new Deposit('acc-1', 2 * i + 2), loaded),
      ]);
      const won = [a, b].filter((r) => r.status === 'fulfilled');
      const lost = [a, b].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost[0].reason).toBeInstanceOf(ConcurrencyError);
      expect((won[0] as PromiseFulfilledResult<{ result: number }>).value.result).toBe(i + 2);
      winners.push(a.status === 'fulfilled' ? 2 * i + 1 : 2 * i + 2);
    }
    expectStream(await side.log.readKey('account.events', 'acc-1'), winners);
    expect((await side.store.repository(Account).load('acc-1')).balance).toBe(
      winners.reduce((s, x) => s + x, 0),
    );
    await side.log.close();
  });

  it('with automatic retry both commands of a racing pair succeed, on fresh state', async () => {
    const side = await openWriteSide(tempDbFile(), { concurrencyRetries: 5 });
    const rival = await openWriteSide('', { log: side.log, concurrencyRetries: 5 });
    await openAccount(side, 'acc-2');
    const amounts: number[] = [];
    for (let i = 0; i < 200; i++) {
      const loaded = barrier(2);
      // The retry re-runs the handler: only the first run waits at the barrier.
      let firstRun = true;
      const once = () => (firstRun ? ((firstRun = false), loaded()) : Promise.resolve());
      const results = await Promise.all([
        racingDeposit(side, new Deposit('acc-2', 2 * i + 1), loaded),
        racingDeposit(rival, new Deposit('acc-2', 2 * i + 2), once),
      ]);
      expect(results.map((r) => r.result).sort()).toEqual([2 * i + 2, 2 * i + 3]);
      amounts.push(2 * i + 1, 2 * i + 2);
    }
    expectStream(await side.log.readKey('account.events', 'acc-2'), amounts);
    await side.log.close();
  });

  it('two OS processes on one database file: exactly one winner per version, nothing lost or duplicated', async () => {
    const file = tempDbFile();
    const side = await openWriteSide(file);
    await openAccount(side, 'acc-3');
    const rounds = 1000;
    const script = join(__dirname, 'support', 'racing-writer.ts');
    const children = [1, 2].map((n) =>
      fork(script, [file, 'acc-3', String(n)], {
        execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'],
        env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '..', '..', 'tsconfig.json') },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    const wins: number[] = [];
    const waiters = new Map<string, (m: { won: boolean; amount: number }) => void>();
    for (const child of children) {
      child.on(
        'message',
        (m: { round: number; phase: string; won: boolean; amount: number; child: number }) => {
          waiters.get(`${m.phase}:${m.round}:${m.child}`)?.(m);
        },
      );
    }
    const next = (phase: string, round: number, child: number) =>
      new Promise<{ won: boolean; amount: number }>((resolve) =>
        waiters.set(`${phase}:${round}:${child}`, resolve),
      );
    for (let round = 0; round < rounds; round++) {
      const loaded = [next('loaded', round, 1), next('loaded', round, 2)];
      children.forEach((c) => c.send({ go: 'load', round }));
      await Promise.all(loaded);
      const done = [next('done', round, 1), next('done', round, 2)];
      children.forEach((c) => c.send({ go: 'decide', round }));
      const results = await Promise.all(done);
      expect(results.filter((r) => r.won)).toHaveLength(1);
      wins.push(results.find((r) => r.won)!.amount);
    }
    children.forEach((c) => c.send({ go: 'exit' }));
    await Promise.all(children.map((c) => new Promise((resolve) => c.on('exit', resolve))));
    expectStream(await side.log.readKey('account.events', 'acc-3'), wins);
    await side.log.close();
  });
});
