import fc from 'fast-check';
import { EventLog, LogRecord } from '@eventline/core';
import { SqliteEventLog } from '@eventline/sqlite';
import { Account } from './bank/account';
import { openWriteSide, tempDbFile } from './support/write-side';

/** The real log, counting the records each readKey and readLatest returns (to measure load cost). */
function counting(log: EventLog): EventLog & { recordsRead: number } {
  const counter = Object.create(log) as EventLog & { recordsRead: number };
  counter.recordsRead = 0;
  counter.readKey = async (topic: string, key: string, after?: number): Promise<LogRecord[]> => {
    const records = await log.readKey(topic, key, after);
    counter.recordsRead += records.length;
    return records;
  };
  counter.readLatest = async (topic: string, key: string): Promise<LogRecord | null> => {
    const record = await log.readLatest(topic, key);
    if (record) counter.recordsRead++;
    return record;
  };
  return counter;
}

type Step = { kind: 'deposit' | 'withdraw'; amount: number };
const steps = fc.array(
  fc.record({
    kind: fc.constantFrom<'deposit' | 'withdraw'>('deposit', 'withdraw'),
    amount: fc.integer({ min: 1, max: 500 }),
  }),
  { minLength: 0, maxLength: 60 },
);
// Saves of 1..4 commands each, so snapshots fall in the middle of multi-event saves too.
const batches = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 60 });

describe('snapshots', () => {
  it('state loaded with snapshots, or from the aggregate cache, equals state loaded from the full history (property)', async () => {
    const file = tempDbFile();
    const raw = SqliteEventLog.open({ file });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        steps,
        batches,
        fc.integer({ min: 1, max: 7 }),
        async (plan: Step[], sizes: number[], every: number) => {
          const id = `acc-${run++}`;
          const writer = await openWriteSide(file, { snapshotEvery: every, log: raw });
          const accounts = writer.store.repository(Account);
          const opening = await accounts.create(id);
          opening.open('ada', 'EUR');
          await accounts.save(opening);
          let i = 0;
          for (const size of sizes) {
            if (i >= plan.length) break;
            const account = await accounts.load(id);
            for (const step of plan.slice(i, i + size)) {
              if (step.kind === 'deposit') account.deposit(step.amount);
              else if (step.amount <= account.balance) account.withdraw(step.amount);
            }
            i += size;
            await accounts.save(account);
          }
          const fromCache = await accounts.load(id);
          const withSnapshots = await (
            await openWriteSide(file, { snapshotEvery: every, log: raw, cacheSize: 0 })
          ).store
            .repository(Account)
            .load(id);
          const fromHistory = await (
            await openWriteSide(file, { snapshotEvery: 0, log: raw })
          ).store
            .repository(Account)
            .load(id);
          expect(withSnapshots.snapshot()).toEqual(fromHistory.snapshot());
          expect(withSnapshots.version).toBe(fromHistory.version);
          expect(fromCache.snapshot()).toEqual(fromHistory.snapshot());
          expect(fromCache.version).toBe(fromHistory.version);
        },
      ),
      { numRuns: 60 },
    );
    await raw.close();
  });

  it('loading cost does not grow with history length when snapshots are on', async () => {
    const file = tempDbFile();
    const log = counting(SqliteEventLog.open({ file }));
    // Without the aggregate cache: this measures what a load reads from the log.
    const side = await openWriteSide(file, { snapshotEvery: 10, log, cacheSize: 0 });
    const accounts = side.store.repository(Account);
    const account = await accounts.create('long');
    account.open('ada', 'EUR');
    await accounts.save(account);
    const readsAt: Record<number, number> = {};
    for (let n = 1; n <= 2000; n++) {
      const a = await accounts.load('long');
      a.deposit(1);
      await accounts.save(a);
      if ([104, 1004, 2004].includes(n + 4)) {
        log.recordsRead = 0;
        const loaded = await accounts.load('long');
        readsAt[n] = log.recordsRead;
        expect(loaded.balance).toBe(n);
      }
    }
    // At versions 101, 1001, 2001: the latest snapshot record + the events after it, whatever the history.
    expect(readsAt).toEqual({ 100: 2, 1000: 2, 2000: 2 });
    await log.close();
  });
});
