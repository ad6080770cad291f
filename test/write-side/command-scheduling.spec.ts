import { ConcurrencyError, ConcurrencyRetries, withCommandOptions } from '@eventline/core';
import { Account } from './bank/account';
import { openWriteSide, tempDbFile, WriteSide } from './support/write-side';

class Deposit {
  constructor(
    readonly accountId: string,
    readonly amount: number,
  ) {}
}

@ConcurrencyRetries(5)
class PatientDeposit extends Deposit {}

class Transfer {
  constructor(
    readonly from: string,
    readonly to: string,
    readonly amount: number,
  ) {}
}

function deposit(side: WriteSide, command: Deposit, beforeDecide: () => Promise<void> = async () => {}) {
  const accounts = side.store.repository(Account);
  return side.pipeline.execute(command, async () => {
    const account = await accounts.load(command.accountId);
    await beforeDecide();
    account.deposit(command.amount);
    await accounts.save(account);
    return account.version;
  });
}

function transfer(side: WriteSide, command: Transfer) {
  const accounts = side.store.repository(Account);
  return side.pipeline.execute(command, async () => {
    const from = await accounts.load(command.from);
    await new Promise((resolve) => setImmediate(resolve)); // let the mirror-image transfer load too
    const to = await accounts.load(command.to);
    from.withdraw(command.amount);
    to.deposit(command.amount);
    await accounts.save(from);
    await accounts.save(to);
  });
}

async function open(side: WriteSide, id: string, balance = 0): Promise<void> {
  const accounts = side.store.repository(Account);
  await side.pipeline.execute({ id }, async () => {
    const account = await accounts.create(id);
    account.open('ada', 'EUR');
    if (balance > 0) account.deposit(balance);
    await accounts.save(account);
  });
}

/** Both rivals have loaded before either decides: one of them must lose the optimistic check. */
function barrier(): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  return () => (++arrived === 2 && release(), all);
}

describe('command scheduling in one process', () => {
  it('queues concurrent commands on one aggregate instead of letting them race: no retries needed', async () => {
    const side = await openWriteSide(tempDbFile());
    await open(side, 'hot');
    const versions = await Promise.all(
      Array.from({ length: 200 }, (_, i) => deposit(side, new Deposit('hot', i + 1)).then((r) => r.result)),
    );
    expect([...versions].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 2));
    const stream = await side.log.readKey('account.events', 'hot');
    expect(stream.map((r) => r.keyVersion)).toEqual(Array.from({ length: 201 }, (_, i) => i + 1));
    expect((await side.store.repository(Account).load('hot')).balance).toBe((200 * 201) / 2);
    await side.log.close();
  });

  it('never deadlocks on commands that load the same aggregates in opposite orders', async () => {
    const side = await openWriteSide(tempDbFile(), { concurrencyRetries: 10 });
    await open(side, 'a', 1_000);
    await open(side, 'b', 1_000);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        transfer(side, i % 2 === 0 ? new Transfer('a', 'b', 1) : new Transfer('b', 'a', 2)),
      ),
    );
    const accounts = side.store.repository(Account);
    expect((await accounts.load('a')).balance).toBe(1_000 - 10 + 20);
    expect((await accounts.load('b')).balance).toBe(1_000 + 10 - 20);
    await side.log.close();
  });

  it("serves cached state only while the log has not moved: another store's appends are seen", async () => {
    const side = await openWriteSide(tempDbFile(), { snapshotEvery: 5 });
    const other = await openWriteSide('', { snapshotEvery: 5, log: side.log });
    await open(side, 'shared');
    await deposit(side, new Deposit('shared', 10)); // side caches version 2
    expect(side.store.cache.size).toBe(1);
    for (let i = 0; i < 7; i++) await deposit(other, new Deposit('shared', 1)); // behind side's back
    const loaded = await side.store.repository(Account).load('shared');
    expect([loaded.version, loaded.balance]).toEqual([9, 17]);
    const uncached = await (
      await openWriteSide('', { snapshotEvery: 5, log: side.log, cacheSize: 0 })
    ).store
      .repository(Account)
      .load('shared');
    expect(loaded.snapshot()).toEqual(uncached.snapshot());
    await side.log.close();
  });

  it('retries per command class (@ConcurrencyRetries) and per send, over the module-wide setting', async () => {
    const side = await openWriteSide(tempDbFile()); // module-wide: no retries
    const rival = await openWriteSide('', { log: side.log });
    await open(side, 'acc');
    /** `command` loads, then waits until a rival (in another store) has loaded and committed: it must lose once. */
    const loseOnce = async (command: Deposit) => {
      const loaded = barrier();
      const rivalRun: { done?: Promise<unknown> } = {};
      let first = true;
      const afterRival = () =>
        first ? ((first = false), loaded().then(async () => void (await rivalRun.done))) : Promise.resolve();
      const mine = deposit(side, command, afterRival);
      rivalRun.done = deposit(rival, new Deposit('acc', 1), loaded);
      await rivalRun.done;
      return mine;
    };
    // Module-wide 0: the plain command fails.
    await expect(loseOnce(new Deposit('acc', 100))).rejects.toBeInstanceOf(ConcurrencyError);
    // The class says 5: the decorated command is re-run on fresh state and succeeds.
    const patient = await loseOnce(new PatientDeposit('acc', 100));
    expect(patient.result).toBe(4); // opened 1, first rival 2, this rival 3, the re-run 4
    // Per send 0 wins over the class's 5.
    await expect(
      loseOnce(withCommandOptions(new PatientDeposit('acc', 100), { concurrencyRetries: 0 })),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    // Per send 2 wins over module-wide 0.
    expect(
      (await loseOnce(withCommandOptions(new Deposit('acc', 100), { concurrencyRetries: 2 }))).result,
    ).toBe(7);
    expect(() => withCommandOptions(new Deposit('acc', 1), { concurrencyRetries: -1 })).toThrow(/retries/);
    await side.log.close();
  });
});
