/** A process manager (transfer saga) in a Nest app: ctx.dispatch with keys derived from the event; re-delivery acts once. */
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { INestApplicationContext } from '@nestjs/common';
import { CommandGateway, EVENT_LOG, EventHeaders, EventLog, Projections } from '@eventline/core';
import { READ_MODEL_DATA_SOURCE } from '@eventline/typeorm';
import { DataSource } from 'typeorm';
import { Balances, BalanceView } from './support/bank/balances';
import { Deposit, OpenAccount } from './support/bank/commands';
import { startBank, tempDir } from './support/bank/bank-app';
import { RequestTransfer } from './support/bank/transfer';
import { TransferProgress, TransferSaga } from './support/bank/transfer-saga';

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('process managers: a transfer saga dispatching commands from a projection', () => {
  let dir: string;
  let app: INestApplicationContext | undefined;

  const start = async (settings = {}): Promise<INestApplicationContext> =>
    (app = await startBank(dir, { projections: [Balances, TransferSaga], settings }));

  /**
   * Read on a connection of its own: the app's TypeORM SQLite connection is shared with the batch
   * transactions, so a read there can see a step a crashing batch wrote and then rolls back.
   */
  async function finished(transferId: string): Promise<TransferProgress> {
    const committed = new Database(join(dir, 'read.db'), { readonly: true });
    try {
      const read = committed.prepare('SELECT id, step, reason FROM transfer_progress WHERE id = ?');
      return await until(async () => {
        const row = read.get(transferId) as TransferProgress | undefined;
        return row && ['completed', 'failed'].includes(row.step) ? row : undefined;
      });
    } finally {
      committed.close();
    }
  }

  async function settled(): Promise<Record<string, number>> {
    const log = app!.get<EventLog>(EVENT_LOG);
    const ends = [...(await log.offsets('bank-account.events')), ...(await log.offsets('transfer.events'))]
      .filter((o) => o.endOffset > 0)
      .map((o) => ({ ...o, offset: o.endOffset - 1 }));
    await app!.get(Projections).waitForAll(ends, 10_000);
    const rows = await app!.get<DataSource>(READ_MODEL_DATA_SOURCE).getRepository(BalanceView).find();
    return Object.fromEntries(rows.map((r) => [r.id, r.balance]));
  }

  /** Events of `type` in the log for one account: the effects that happened, however often a step ran. */
  async function effects(accountId: string, type: string): Promise<number> {
    const records = await app!.get<EventLog>(EVENT_LOG).readKey('bank-account.events', accountId);
    return records.filter((r) => r.headers[EventHeaders.type] === type).length;
  }

  async function openWith(accounts: Record<string, number>): Promise<void> {
    const gateway = app!.get(CommandGateway);
    for (const [id, amount] of Object.entries(accounts)) {
      await gateway.send(new OpenAccount(id, id));
      if (amount > 0) await gateway.send(new Deposit(id, amount));
    }
  }

  beforeEach(() => {
    dir = tempDir();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('completes, fails on a refused debit, and refunds a refused credit', async () => {
    await start();
    await openWith({ a: 100, b: 0 });
    const gateway = app!.get(CommandGateway);
    await gateway.send(new RequestTransfer('t-ok', 'a', 'b', 30));
    await gateway.send(new RequestTransfer('t-poor', 'a', 'b', 500));
    await gateway.send(new RequestTransfer('t-nowhere', 'a', 'ghost', 20));

    expect(await finished('t-ok')).toMatchObject({ step: 'completed' });
    expect(await finished('t-poor')).toMatchObject({ step: 'failed', reason: 'INSUFFICIENT_FUNDS' });
    expect(await finished('t-nowhere')).toMatchObject({ step: 'failed', reason: 'CREDIT_REJECTED' });
    expect(await settled()).toEqual({ a: 70, b: 30 });
    expect(await effects('a', 'bank.refunded-for-transfer')).toBe(1);

    const transfer = await app!.get<EventLog>(EVENT_LOG).readKey('transfer.events', 't-nowhere');
    const finish = transfer[transfer.length - 1];
    const requested = transfer[0];
    // The saga's commands carry the transfer's correlation id through every step.
    expect(finish.headers[EventHeaders.correlationId]).toBe(requested.headers[EventHeaders.correlationId]);
  });

  it('a crash between dispatch and checkpoint re-delivers the event; every dispatch takes effect once', async () => {
    await start();
    await openWith({ a: 100, b: 0 });
    const saga = app!.get(TransferSaga);
    for (const type of ['bank.transfer-requested', 'bank.debited-for-transfer', 'bank.credited-for-transfer'])
      saga.crashAfterDispatch.add(type);
    await app!.get(CommandGateway).send(new RequestTransfer('t-1', 'a', 'b', 40));

    expect(await finished('t-1')).toMatchObject({ step: 'completed' });
    expect(saga.crashAfterDispatch.size).toBe(0); // every step did crash once after its dispatch
    expect(await settled()).toEqual({ a: 60, b: 40 });
    expect(await effects('a', 'bank.debited-for-transfer')).toBe(1);
    expect(await effects('b', 'bank.credited-for-transfer')).toBe(1);
    const transfer = await app!.get<EventLog>(EVENT_LOG).readKey('transfer.events', 't-1');
    expect(transfer.map((r) => r.headers[EventHeaders.type])).toEqual([
      'bank.transfer-requested',
      'bank.transfer-completed',
    ]);
    // The debit's idempotency key is derived from the triggering event: <projection>:<eventId>:<n>.
    const key = `transfer-saga:${transfer[0].headers[EventHeaders.eventId]}:1`;
    const versions = await app!.get<EventLog>(EVENT_LOG).keyVersions('eventline.commands', [key]);
    expect(versions.get(key)).toBe(1);
  });

  it('after a crashed process (saga failed before its checkpoint) a restarted one finishes without a second debit', async () => {
    await start({ maxRetries: 0 });
    await openWith({ a: 100, b: 0 });
    app!.get(TransferSaga).crashAfterDispatch.add('bank.transfer-requested');
    await app!.get(CommandGateway).send(new RequestTransfer('t-2', 'a', 'b', 25));
    await until(async () =>
      (await app!.get(Projections).status('transfer-saga')).state === 'failed' ? true : undefined,
    );
    expect(await effects('a', 'bank.debited-for-transfer')).toBe(1);
    await app!.close();

    await start();
    expect(await finished('t-2')).toMatchObject({ step: 'completed' });
    expect(await settled()).toEqual({ a: 75, b: 25 });
    expect(await effects('a', 'bank.debited-for-transfer')).toBe(1);
  });
});
