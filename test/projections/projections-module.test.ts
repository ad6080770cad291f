/** Projections inside a Nest application: registered with forFeature, run on bootstrap, read through @QueryHandlers. */
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import { INestApplicationContext } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { CommandGateway, DefinitionError, Projections } from '@eventline/core';
import { READ_MODEL_DATA_SOURCE } from '@eventline/typeorm';
import { DataSource } from 'typeorm';
import { BalanceView, GetBalance } from './support/bank/balances';
import { Deposit, OpenAccount, Withdraw } from './support/bank/commands';
import { startBank, tempDir } from './support/bank/bank-app';

describe('projections in a NestJS application (SQLite log, SQLite read models)', () => {
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

  it('runs on bootstrap; a query reads its own write after waitFor', async () => {
    app = await startBank(dir);
    const gateway = app.get(CommandGateway);
    const projections = app.get(Projections);
    const queries = app.get(QueryBus);

    await gateway.send(new OpenAccount('acc-1', 'ada'));
    await gateway.send(new Deposit('acc-1', 100));
    const receipt = await gateway.send(new Withdraw('acc-1', 30));
    await projections.waitFor('balances', receipt.position, 5_000);

    expect(await queries.execute(new GetBalance('acc-1'))).toEqual({
      id: 'acc-1',
      owner: 'ADA', // the projection used an injected provider
      balance: 70,
      lastOffset: receipt.positions[0].offset,
    });
    const [status] = await projections.status();
    expect(status).toMatchObject({ name: 'balances', state: 'running', lag: 0, lastError: null });
    expect(status.partitions).toHaveLength(4);
    expect(status.checkpoints).toEqual(status.endOffsets);
  });

  it('stops with the application and continues from its checkpoints after a restart, applying nothing twice', async () => {
    app = await startBank(dir);
    let gateway = app.get(CommandGateway);
    for (let i = 0; i < 5; i += 1) await gateway.send(new OpenAccount(`acc-${i}`, `owner-${i}`));
    for (let i = 0; i < 20; i += 1) await gateway.send(new Deposit(`acc-${i % 5}`, 1 + i));
    const before = await gateway.send(new Deposit('acc-0', 1000));
    await app.get(Projections).waitForAll(before.positions, 5_000);
    await app.close();

    app = await startBank(dir);
    gateway = app.get(CommandGateway);
    const after = await gateway.send(new Deposit('acc-1', 7));
    await app.get(Projections).waitForAll(after.position, 5_000);

    const rows = await app.get<DataSource>(READ_MODEL_DATA_SOURCE).getRepository(BalanceView).find();
    const expected = [0, 1, 2, 3, 4].map((a) => {
      let balance = a === 0 ? 1000 : a === 1 ? 7 : 0;
      for (let i = a; i < 20; i += 5) balance += 1 + i;
      return { id: `acc-${a}`, balance };
    });
    expect(rows.map(({ id, balance }) => ({ id, balance })).sort((x, y) => x.id.localeCompare(y.id))).toEqual(
      expected,
    );
  });

  it('names unknown projections and times out waits that cannot be met', async () => {
    app = await startBank(dir, { settings: { autoStart: false } });
    const projections = app.get(Projections);
    const receipt = await app.get(CommandGateway).send(new OpenAccount('acc-1', 'ada'));
    await expect(projections.waitFor('nope', receipt.position)).rejects.toMatchObject({
      code: 'PROJECTION_NOT_FOUND',
    });
    await expect(projections.waitFor('balances', receipt.position, 100)).rejects.toMatchObject({
      code: 'PROJECTION_WAIT_TIMEOUT',
    });
    expect((await projections.status('balances')).state).toBe('stopped');
    await projections.start('balances');
    await projections.waitFor('balances', receipt.position, 5_000);
  });

  it('refuses to boot projections without a read-model database', async () => {
    await expect(startBank(dir, { readModels: false })).rejects.toThrow(DefinitionError);
    await expect(startBank(dir, { readModels: false })).rejects.toThrow(/typeOrmReadModels/);
  });
});
