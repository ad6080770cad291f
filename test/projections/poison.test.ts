/** Poison events: retried, then parked with the later events of their key waiting behind them (others go on), or the projection stops. */
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import { INestApplicationContext } from '@nestjs/common';
import { CommandGateway, CommandReceipt, EVENT_LOG, EventLog, Projections } from '@eventline/core';
import { READ_MODEL_DATA_SOURCE } from '@eventline/typeorm';
import { DataSource } from 'typeorm';
import { Deposit, OpenAccount } from './support/bank/commands';
import { startBank, tempDir } from './support/bank/bank-app';
import { RiskyBalances, RiskyView } from './support/bank/risky-balances';

async function until<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('poison events', () => {
  let dir: string;
  let app: INestApplicationContext | undefined;

  beforeEach(() => {
    dir = tempDir();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (command: object): Promise<CommandReceipt> => app!.get(CommandGateway).send(command);

  async function view(): Promise<Record<string, { balance: number; amounts: string }>> {
    const rows = await app!.get<DataSource>(READ_MODEL_DATA_SOURCE).getRepository(RiskyView).find();
    return Object.fromEntries(rows.map((r) => [r.id, { balance: r.balance, amounts: r.amounts }]));
  }

  it('parks a poison event and the later events of its key; other keys go on; retry after the fix applies them in order', async () => {
    app = await startBank(dir, {
      projections: [RiskyBalances],
      settings: { poison: 'park', maxRetries: 2, retryDelayMs: 5 },
    });
    const projections = app.get(Projections);
    for (const id of ['a', 'b']) await send(new OpenAccount(id, id));
    for (const [id, amount] of [
      ['a', 10],
      ['a', 13],
      ['a', 5],
      ['b', 7],
      ['a', 1],
    ] as const)
      await send(new Deposit(id, amount));
    const last = await send(new Deposit('b', 3));
    await projections.waitFor('risky', last.position, 10_000);

    expect(await view()).toEqual({ a: { balance: 10, amounts: '10' }, b: { balance: 10, amounts: '7,3' } });
    const parked = await projections.parked('risky');
    expect(parked.map((p) => [p.key, p.type, p.reason])).toEqual([
      ['a', 'bank.deposited', 'failed'],
      ['a', 'bank.deposited', 'waiting'],
      ['a', 'bank.deposited', 'waiting'],
    ]);
    expect(parked[0].error).toMatch(/unlucky amount/);
    expect(await projections.status('risky')).toMatchObject({ state: 'running', parked: 3, lag: 0 });

    // The dead-letter topic mirrors them, with where they came from.
    // (written after the park commits: wait for it rather than for the checkpoint)
    const log = app.get<EventLog>(EVENT_LOG);
    const dlt = await until(async () => {
      const topics = (await log.listTopics()).map((t) => t.name);
      const records = topics.includes('projection.risky.dlt')
        ? await log.read('projection.risky.dlt', 0, 0)
        : [];
      return records.length >= 3 && records;
    });
    expect(dlt.map((r) => r.headers['eventline.dlt.source'])).toEqual(
      parked.map((p) => `${p.topic}:${p.partition}@${p.offset}`),
    );

    // Still broken: the retry fails whole and everything stays parked; new events of the key queue up.
    await expect(projections.retryParked('risky', parked[0])).rejects.toMatchObject({
      code: 'PROJECTION_HANDLER_FAILED',
    });
    const more = await send(new Deposit('a', 2));
    await projections.waitFor('risky', more.position, 10_000);
    expect(await projections.parked('risky')).toHaveLength(4);
    expect((await view()).a.balance).toBe(10);

    app.get(RiskyBalances).healed = true;
    expect(await projections.retryParked('risky', parked[0])).toBe(4);
    expect(await projections.parked('risky')).toEqual([]);
    const after = await send(new Deposit('a', 4));
    await projections.waitFor('risky', after.position, 10_000);
    expect((await view()).a).toEqual({ balance: 35, amounts: '10,13,5,1,2,4' });
  });

  it('skipping the poison event releases the events waiting behind it', async () => {
    app = await startBank(dir, {
      projections: [RiskyBalances],
      settings: { poison: 'park', maxRetries: 0, retryDelayMs: 5 },
    });
    const projections = app.get(Projections);
    await send(new OpenAccount('c', 'c'));
    await send(new Deposit('c', 13));
    const last = await send(new Deposit('c', 6));
    await projections.waitFor('risky', last.position, 10_000);
    const [head] = await projections.parked('risky');
    expect(head).toMatchObject({ key: 'c', reason: 'failed' });

    expect(await projections.skipParked('risky', head)).toBe(1);
    expect(await projections.parked('risky')).toEqual([]);
    expect((await view()).c).toEqual({ balance: 6, amounts: '6' });
    await expect(projections.skipParked('risky', head)).rejects.toMatchObject({ code: 'NOTHING_PARKED' });
  });

  it("with poison 'stop' (the default) the projection stops with a status naming the event", async () => {
    app = await startBank(dir, {
      projections: [RiskyBalances],
      settings: { maxRetries: 1, retryDelayMs: 5 },
    });
    const projections = app.get(Projections);
    await send(new OpenAccount('d', 'd'));
    const poison = await send(new Deposit('d', 13));
    const status = await until(async () => {
      const s = await projections.status('risky');
      return s.state === 'failed' && s;
    });
    const at = poison.positions[0];
    expect(status.lastError).toEqual({
      code: 'PROJECTION_HANDLER_FAILED',
      message: expect.stringContaining(
        `failed on bank.deposited at ${at.topic}:${at.partition}@${at.offset} (key d): unlucky amount`,
      ),
    });
    expect(await projections.parked('risky')).toEqual([]);
  });
});
