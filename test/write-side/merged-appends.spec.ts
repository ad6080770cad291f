import {
  AggregateRepository,
  ConcurrencyError,
  DomainError,
  EventLog,
  LogRecord,
  MAX_MERGED_COMMANDS,
} from '@eventline/core';
import { Account } from './bank/account';
import { openWriteSide, tempDbFile, WriteSide } from './support/write-side';

/**
 * Commands of one process queued on one aggregate are merged into ONE atomic append (MergedAppend):
 * each decides on the state the one before left, and they are written all together or not at all.
 * Snapshots must be on for that (the state is handed over as snapshot() JSON).
 */

class Move {
  constructor(
    readonly accountId: string,
    /** > 0 deposits, < 0 withdraws (refused with INSUFFICIENT_FUNDS when the balance is too low). */
    readonly amount: number,
    /** Deposits 1000 first, then refuses: a half-applied handler whose state must not leak. */
    readonly depositThenRefuse = false,
  ) {}
}

function move(
  side: WriteSide,
  command: Move,
  options: { idempotencyKey?: string } = {},
  beforeLoad: () => void = () => undefined,
) {
  const accounts = side.store.repository(Account);
  return side.pipeline.execute(
    command,
    async () => {
      beforeLoad(); // the load queues on the aggregate's lock synchronously
      const account = await accounts.load(command.accountId);
      if (command.depositThenRefuse) {
        account.deposit(1_000);
        throw new DomainError('CHANGED_MIND', 'Deposited, then refused.');
      }
      if (command.amount > 0) account.deposit(command.amount);
      else account.withdraw(-command.amount);
      await accounts.save(account);
      return { version: account.version, balance: account.balance };
    },
    options,
  );
}

async function open(side: WriteSide, id: string): Promise<void> {
  const accounts: AggregateRepository<Account> = side.store.repository(Account);
  await side.pipeline.execute({ id }, async () => {
    const account = await accounts.create(id);
    account.open('ada', 'EUR');
    await accounts.save(account);
  });
}

/** Counts the appends that reach the (real) log. */
function countAppends(log: EventLog): { count: number } {
  const counter = { count: 0 };
  const append = log.append.bind(log);
  log.append = (request) => (counter.count++, append(request));
  return counter;
}

/** Balance after each version of an account's stream, folded from the log itself. */
function balances(records: LogRecord[]): number[] {
  let balance = 0;
  return records.map((r) => {
    const type = r.headers['eventline.type'];
    const { amount } = JSON.parse(r.value!.toString()) as { amount?: number };
    if (type === 'account.deposited') balance += amount!;
    if (type === 'account.withdrawn') balance -= amount!;
    return balance;
  });
}

jest.setTimeout(60_000);

describe('merged appends: commands queued on one aggregate share one atomic append', () => {
  it('gives every merged command its own result, receipt and positions', async () => {
    const side = await openWriteSide(tempDbFile(), { snapshotEvery: 5 });
    await open(side, 'hot');
    const appends = countAppends(side.log);
    const receipts = await Promise.all(Array.from({ length: 40 }, (_, i) => move(side, new Move('hot', i + 1))));
    expect(appends.count).toBeLessThan(40); // merged: fewer appends than commands

    const stream = await side.log.readKey('account.events', 'hot');
    expect(stream.map((r) => r.keyVersion)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
    const folded = balances(stream);
    for (const receipt of receipts) {
      const { version, balance } = receipt.result;
      const record = stream[version - 1];
      expect(receipt.streams).toEqual([
        { aggregate: 'account', topic: 'account.events', id: 'hot', fromVersion: version, toVersion: version },
      ]);
      expect(receipt.positions).toEqual([
        { topic: 'account.events', partition: record.partition, offset: record.offset },
      ]);
      expect(receipt.position).toBe(`account.events:${record.partition}@${record.offset}`);
      expect(balance).toBe(folded[version - 1]); // decided on exactly the state before it
    }
    expect(new Set(receipts.map((r) => r.result.version)).size).toBe(40);
    // The snapshot written with the merged append is the latest state: a cold load agrees.
    const cold = await openWriteSide('', { snapshotEvery: 5, log: side.log, cacheSize: 0 });
    expect((await cold.store.repository(Account).load('hot')).snapshot()).toEqual(
      (await side.store.repository(Account).load('hot')).snapshot(),
    );
    await side.log.close();
  });

  it('a DomainError in one merged command affects only that command, never with its half-applied state', async () => {
    const side = await openWriteSide(tempDbFile(), { snapshotEvery: 3 });
    await open(side, 'acc');
    const appends = countAppends(side.log);
    // Deposits of 10, withdrawals of 25 (refused whenever the balance is short) and half-applied
    // refusals that deposited 1000 before refusing: with that 1000 leaked, no withdrawal would fail.
    const commands = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0 ? new Move('acc', 10) : i % 3 === 1 ? new Move('acc', -25) : new Move('acc', 1, true),
    );
    const outcomes = await Promise.allSettled(commands.map((c) => move(side, c)));
    expect(appends.count).toBeLessThan(60);

    const stream = await side.log.readKey('account.events', 'acc');
    const folded = balances(stream);
    let refusedWithdrawals = 0;
    outcomes.forEach((outcome, i) => {
      if (commands[i].depositThenRefuse) {
        expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'CHANGED_MIND' } });
      } else if (outcome.status === 'fulfilled') {
        expect(outcome.value.result.balance).toBe(folded[outcome.value.result.version - 1]);
      } else {
        expect(outcome.reason).toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
        refusedWithdrawals++;
      }
    });
    expect(refusedWithdrawals).toBeGreaterThan(0);
    const accepted = outcomes.filter((o) => o.status === 'fulfilled').length;
    expect(stream).toHaveLength(1 + accepted); // nothing of the refused commands was written
    expect(folded.every((b) => b >= 0)).toBe(true);
    const loaded = await side.store.repository(Account).load('acc');
    expect(loaded.balance).toBe(folded[folded.length - 1]);
    await side.log.close();
  });

  it('a conflict with another store fails (or retries) every command of the merged append, none half-written', async () => {
    const file = tempDbFile();
    for (const retries of [0, 5]) {
      const side = await openWriteSide(file, { snapshotEvery: 4, concurrencyRetries: retries });
      const rival = await openWriteSide('', { snapshotEvery: 4, log: side.log });
      const id = `contested-${retries}`;
      await open(side, id);
      // The first command loads, then waits until the other 19 queue behind it and the rival (the
      // other "process") has appended: the merged append of all 20 then expects a stale version.
      let queued = 0;
      const accounts = side.store.repository(Account);
      const first = side.pipeline.execute(
        { id },
        async () => {
          const account = await accounts.load(id);
          if (account.version === 1) {
            // (No idempotency key here: its lookup would let the others reach the lock first.)
            while (queued < 19) await new Promise((resolve) => setImmediate(resolve));
            await move(rival, new Move(id, 1_000));
          }
          account.deposit(1);
          await accounts.save(account);
          return { version: account.version, balance: account.balance };
        },
      );
      const rest = Array.from({ length: 18 }, (_, i) => {
        const command = new Move(id, 2 + i);
        return move(side, command, i % 2 === 0 ? { idempotencyKey: `${id}-${i}` } : {}, () => queued++);
      });
      // A keyed refusal decided on the merged (never written) state shares the append's fate too.
      const refusal = move(side, new Move(id, -1e6), { idempotencyKey: `${id}-refused` }, () => queued++);
      const settled = await Promise.allSettled([first, ...rest, refusal]);
      const refused = settled.pop()!;
      const outcomes = settled;
      const stream = await side.log.readKey('account.events', id);
      if (retries === 0) {
        for (const outcome of outcomes)
          expect(outcome).toMatchObject({ status: 'rejected', reason: expect.any(ConcurrencyError) });
        expect(stream).toHaveLength(2); // opened + the rival's deposit: nothing of the 20 commands
        expect(refused).toMatchObject({ status: 'rejected', reason: expect.any(ConcurrencyError) });
        const keys = [`${id}-refused`, ...Array.from({ length: 9 }, (_, i) => `${id}-${2 * i}`)];
        const versions = await side.log.keyVersions('eventline.commands', keys);
        expect([...versions.values()].every((v) => v === 0)).toBe(true); // no idempotency record either
      } else {
        expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
        expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'INSUFFICIENT_FUNDS' } });
        expect(stream.map((r) => r.keyVersion)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
        const folded = balances(stream);
        for (const o of outcomes as PromiseFulfilledResult<{ result: { version: number; balance: number } }>[])
          expect(o.value.result.balance).toBe(folded[o.value.result.version - 1]);
      }
    }
  });

  it('idempotency keys and stored refusals work per merged command', async () => {
    const side = await openWriteSide(tempDbFile(), { snapshotEvery: 2 });
    await open(side, 'keyed');
    const outcomes = await Promise.allSettled([
      move(side, new Move('keyed', 10), { idempotencyKey: 'k-deposit' }),
      move(side, new Move('keyed', -100), { idempotencyKey: 'k-refused' }),
      move(side, new Move('keyed', 5), { idempotencyKey: 'k-other' }),
      move(side, new Move('keyed', 10), { idempotencyKey: 'k-deposit' }), // the same command again
      move(side, new Move('keyed', 7)),
    ]);
    const [deposit, refused, other, repeat, plain] = outcomes;
    expect(deposit).toMatchObject({ status: 'fulfilled', value: { replayed: false } });
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'INSUFFICIENT_FUNDS' } });
    expect(other).toMatchObject({ status: 'fulfilled', value: { replayed: false } });
    expect(plain).toMatchObject({ status: 'fulfilled' });
    // The repeat got the first execution's outcome, without a second effect.
    expect(repeat).toMatchObject({ status: 'fulfilled', value: { replayed: true } });
    const first = (deposit as PromiseFulfilledResult<{ result: unknown; positions: unknown }>).value;
    const again = (repeat as PromiseFulfilledResult<{ result: unknown; positions: unknown }>).value;
    expect(again.result).toEqual(first.result);
    expect(again.positions).toEqual(first.positions);
    expect(await side.log.readKey('account.events', 'keyed')).toHaveLength(4); // opened, 10, 5, 7

    // Enough money now; the stored refusal still answers its key, the others their results.
    await move(side, new Move('keyed', 1_000));
    await expect(move(side, new Move('keyed', -100), { idempotencyKey: 'k-refused' })).rejects.toMatchObject({
      code: 'INSUFFICIENT_FUNDS',
    });
    const otherAgain = await move(side, new Move('keyed', 5), { idempotencyKey: 'k-other' });
    expect(otherAgain).toMatchObject({
      replayed: true,
      result: (other as PromiseFulfilledResult<{ result: unknown }>).value.result,
    });
    expect((await side.store.repository(Account).load('keyed')).balance).toBe(1_022);
    await side.log.close();
  });

  it('a command touching a second aggregate does not join: it re-runs alone once the merged append settled', async () => {
    const side = await openWriteSide(tempDbFile(), { snapshotEvery: 2, concurrencyRetries: 10 });
    await open(side, 'a');
    await open(side, 'b');
    await move(side, new Move('a', 1_000));
    await move(side, new Move('b', 1_000));
    const accounts = side.store.repository(Account);
    let runs = 0;
    const transfer = (from: string, to: string) =>
      side.pipeline.execute({ from, to }, async () => {
        runs++;
        const source = await accounts.load(from);
        const target = await accounts.load(to);
        source.withdraw(5);
        target.deposit(5);
        await accounts.save(source);
        await accounts.save(target);
      });
    const appends = countAppends(side.log);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 3 === 0 ? transfer('a', 'b') : i % 3 === 1 ? transfer('b', 'a') : move(side, new Move('a', 1)),
      ),
    );
    expect(runs).toBeGreaterThan(20); // some transfers were handed merged state, left it and re-ran
    expect(appends.count).toBeLessThan(30 + (runs - 20));
    const a = await side.log.readKey('account.events', 'a');
    const b = await side.log.readKey('account.events', 'b');
    expect(a.map((r) => r.keyVersion)).toEqual(a.map((_, i) => i + 1));
    expect(b.map((r) => r.keyVersion)).toEqual(b.map((_, i) => i + 1));
    expect(a).toHaveLength(2 + 20 + 10); // opened, 1000, 20 transfers, 10 deposits
    expect(b).toHaveLength(2 + 20);
    expect(balances(a).at(-1)).toBe(1_000 + 10);
    expect(balances(b).at(-1)).toBe(1_000);
    expect((await accounts.load('a')).balance).toBe(1_010);
    await side.log.close();
  });

  it('appends at most MAX_MERGED_COMMANDS commands at once', async () => {
    const side = await openWriteSide(tempDbFile(), { snapshotEvery: 100 });
    await open(side, 'many');
    const sizes: number[] = [];
    const append = side.log.append.bind(side.log);
    side.log.append = (request) => (
      sizes.push(request.records.filter((r) => r.topic === 'account.events').length), append(request)
    );
    const total = MAX_MERGED_COMMANDS * 3;
    await Promise.all(Array.from({ length: total }, () => move(side, new Move('many', 1))));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_MERGED_COMMANDS);
    expect((await side.store.repository(Account).load('many')).version).toBe(total + 1);
    await side.log.close();
  });
});
