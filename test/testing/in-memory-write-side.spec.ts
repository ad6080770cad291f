import { CommandPipeline, ConcurrencyError, EventStore, IdempotencyStore } from '@eventline/core';
import { InMemoryEventLog } from '@eventline/testing';
import { Account } from '../write-side/bank/account';

/** What a user's unit test looks like on the in-memory log: the real write side, no file. */
async function writeSide(log: InMemoryEventLog) {
  const store = new EventStore({ log, types: [Account], snapshotEvery: 3 });
  const idempotency = new IdempotencyStore(log);
  await store.provisionTopics([idempotency.topicSpec()]);
  return { store, pipeline: new CommandPipeline(store, idempotency), accounts: store.repository(Account) };
}

describe('the write side on InMemoryEventLog', () => {
  it('runs commands with snapshots and idempotency, and a second store races like a second process', async () => {
    const log = new InMemoryEventLog();
    const { pipeline, accounts } = await writeSide(log);
    const deposit = (amount: number, idempotencyKey?: string) =>
      pipeline.execute(
        { amount },
        async () => {
          const account = (await accounts.find('a-1')) ?? (await accounts.create('a-1'));
          if (account.version === 0) account.open('ada', 'EUR');
          account.deposit(amount);
          await accounts.save(account);
          return account.balance;
        },
        idempotencyKey ? { idempotencyKey } : {},
      );
    for (let i = 1; i <= 5; i++) await deposit(10);
    const first = await deposit(7, 'once');
    const again = await deposit(7, 'once');
    expect([first.result, again.result, again.replayed]).toEqual([57, 57, true]);
    expect((await log.readLatest('account.state', 'a-1'))?.headers['eventline.aggregate-version']).toBe('6');

    const rival = await writeSide(log);
    const mine = await accounts.load('a-1');
    const theirs = await rival.accounts.load('a-1');
    theirs.deposit(1);
    await rival.accounts.save(theirs);
    mine.deposit(2);
    await expect(accounts.save(mine)).rejects.toBeInstanceOf(ConcurrencyError);
    expect((await accounts.load('a-1')).balance).toBe(58);
    await log.close();
  });
});
