/** Rebuilds: replay into shadow tables while the live model serves, atomic switch-over, automatic on a version bump. */
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import Database from 'better-sqlite3';
import {
  AggregateRepository,
  CommandGateway,
  CommandReceipt,
  EVENT_LOG,
  EventHeaders,
  EventLog,
  getRepositoryToken,
  On,
  Projection,
  Projections,
} from '@eventline/core';
import { READ_MODEL_DATA_SOURCE } from '@eventline/typeorm';
import { DataSource } from 'typeorm';
import { BankAccount, Opened } from './support/bank/account';
import { BalanceView, GetBalance } from './support/bank/balances';
import { BalancesV2 } from './support/bank/balances-v2';
import { Deposit, OpenAccount, Withdraw } from './support/bank/commands';
import { startBank, tempDir } from './support/bank/bank-app';

const ACCOUNTS = 12;

describe('rebuilding a projection', () => {
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

  /** A deterministic history of commands; returns the last receipt. */
  async function history(moves: number, seed: number): Promise<CommandReceipt> {
    const gateway = app!.get(CommandGateway);
    let last: CommandReceipt | undefined;
    let state = seed;
    const next = (n: number): number => (state = (state * 1103515245 + 12345) % 2147483648) % n;
    for (let i = 0; i < moves; i += 1) {
      const id = `acc-${next(ACCOUNTS)}`;
      last = await gateway.send(next(3) === 0 ? new Withdraw(id, 1) : new Deposit(id, 1 + next(50)));
    }
    return last!;
  }

  async function openAll(): Promise<void> {
    const gateway = app!.get(CommandGateway);
    for (let i = 0; i < ACCOUNTS; i += 1) {
      await gateway.send(new OpenAccount(`acc-${i}`, `owner-${i}`));
      await gateway.send(new Deposit(`acc-${i}`, 100));
    }
  }

  async function rows(): Promise<BalanceView[]> {
    const repo = app!.get<DataSource>(READ_MODEL_DATA_SOURCE).getRepository(BalanceView);
    return (await repo.find()).map((r) => ({ ...r })).sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The read model as the aggregates and the log say it must be (owner formatted by `owner`). */
  async function expected(owner: (o: string) => string): Promise<BalanceView[]> {
    const accounts = app!.get<AggregateRepository<BankAccount>>(getRepositoryToken(BankAccount));
    const log = app!.get<EventLog>(EVENT_LOG);
    const out: BalanceView[] = [];
    for (let i = 0; i < ACCOUNTS; i += 1) {
      const id = `acc-${i}`;
      const records = await log.readKey('bank-account.events', id);
      const account = await accounts.load(id);
      expect(records[0].headers[EventHeaders.type]).toBe('bank.opened');
      out.push({
        id,
        owner: owner(`owner-${i}`),
        balance: account.balance,
        lastOffset: records[records.length - 1].offset,
      });
    }
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  function tables(): string[] {
    const db = new Database(join(dir, 'read.db'), { readonly: true });
    try {
      return (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
          name: string;
        }[]
      ).map((t) => t.name);
    } finally {
      db.close();
    }
  }

  it('replays into shadow tables and switches over: the rebuilt model equals the live one row for row', async () => {
    app = await startBank(dir, { settings: { rebuildBatchSize: 25 } });
    await openAll();
    const last = await history(300, 5);
    const projections = app.get(Projections);
    await projections.waitForAll(last.position, 10_000);
    const live = await rows();
    expect(live).toEqual(await expected((o) => o.toUpperCase()));

    const rebuilt = projections.rebuild('balances');
    expect(projections.rebuild('balances')).toBe(rebuilt); // one rebuild at a time
    expect((await projections.status('balances')).state).toBe('rebuilding');
    // The live model keeps serving while the shadow fills.
    expect(await app.get(QueryBus).execute(new GetBalance('acc-0'))).toEqual(live[0]);
    await rebuilt;

    expect(await rows()).toEqual(live);
    const status = await projections.status('balances');
    expect(status).toMatchObject({ state: 'running', lastError: null });
    expect(status.rebuild).toMatchObject({ phase: 'done', processed: status.rebuild!.total, etaMs: 0 });
    expect(status.rebuild!.eventsPerSecond).toBeGreaterThan(0);
    expect(tables()).toEqual(['balance_view', 'projection_checkpoints', 'projection_parked_events']); // shadow and old tables gone
  });

  it('keeps applying live writes during a rebuild and loses none at the switch-over', async () => {
    app = await startBank(dir, { settings: { rebuildBatchSize: 10 } });
    await openAll();
    await history(200, 9);
    const projections = app.get(Projections);
    const rebuilt = projections.rebuild('balances');
    let progressSeen = false;
    const writes = (async () => {
      let last: CommandReceipt | undefined;
      for (let i = 0; i < 60; i += 1) {
        last = await app!.get(CommandGateway).send(new Deposit(`acc-${i % ACCOUNTS}`, 3));
        const s = await projections.status('balances');
        if (s.state === 'rebuilding' && (s.rebuild?.processed ?? 0) > 0) progressSeen = true;
      }
      return last!;
    })();
    await rebuilt;
    await projections.waitForAll((await writes).position, 10_000);
    expect(progressSeen).toBe(true);
    expect(await rows()).toEqual(await expected((o) => o.toUpperCase()));
  });

  it('refuses at once to rebuild a projection that declares no readModels', async () => {
    @Projection('no-tables', { topics: ['bank-account.events'] })
    class NoTables {
      @On(Opened) opened(): void {}
    }
    app = await startBank(dir, { projections: [NoTables] });
    const projections = app.get(Projections);
    await expect(projections.rebuild('no-tables')).rejects.toMatchObject({
      code: 'REBUILD_NOT_SUPPORTED',
      kind: 'validation',
    });
    expect((await projections.status('no-tables')).state).toBe('running');
  });

  it('bumping the version rebuilds on start-up; the runner starts after the switch-over', async () => {
    app = await startBank(dir);
    await openAll();
    const last = await history(100, 3);
    await app.get(Projections).waitForAll(last.position, 10_000);
    expect((await rows())[0].owner).toBe('OWNER-0');
    await app.close();

    app = await startBank(dir, { projections: [BalancesV2] });
    const projections = app.get(Projections);
    // The v1 checkpoints passed `last`, but read-your-writes waits for the v2 model (after the switch).
    await projections.waitFor('balances', last.position, 15_000);
    expect((await rows())[0].owner).toBe('owner-0');
    const after = await app.get(CommandGateway).send(new Deposit('acc-1', 5));
    await projections.waitForAll(after.position, 15_000);
    expect(await rows()).toEqual(await expected((o) => o)); // v2 handlers over the whole history
    const status = await projections.status('balances');
    expect(status.state).toBe('running');
    expect(status.rebuild?.phase).toBe('done');
    const db = new Database(join(dir, 'read.db'), { readonly: true });
    const versions = db.prepare('SELECT DISTINCT version FROM projection_checkpoints').all();
    db.close();
    expect(versions).toEqual([{ version: 2 }]);
  });
});
