import 'reflect-metadata';
import { execFileSync } from 'child_process';
import { join } from 'path';
import {
  CommandReceipt,
  CommandValidationError,
  DomainError,
  IdempotencyKeyReusedError,
} from '@eventline/core';
import { IsPositive, IsString } from 'class-validator';
import { Account } from './bank/account';
import { Deposit, depositHandler } from './support/deposit';
import { openWriteSide, tempDbFile } from './support/write-side';

function depositInCrashingProcess(
  file: string,
  accountId: string,
  amount: number,
  key: string,
): CommandReceipt {
  let stdout = '';
  try {
    execFileSync(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        join(__dirname, 'support', 'idempotent-deposit.ts'),
        file,
        accountId,
        String(amount),
        key,
      ],
      {
        env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '..', '..', 'tsconfig.json') },
        encoding: 'utf8',
      },
    );
  } catch (error) {
    // Killed by SIGKILL on purpose, after the append resolved.
    stdout = (error as { stdout: string; signal: string }).stdout;
    expect((error as { signal: string }).signal).toBe('SIGKILL');
  }
  return JSON.parse(stdout) as CommandReceipt;
}

class Withdraw {
  @IsString() readonly accountId: string;
  @IsPositive() readonly amount: number;
  constructor(accountId: string, amount: number) {
    this.accountId = accountId;
    this.amount = amount;
  }
}

describe('idempotency', () => {
  it('returns the stored result for a repeated key after the first process crashed, with no second effect', async () => {
    const file = tempDbFile();
    const first = depositInCrashingProcess(file, 'acc-9', 40, 'req-1');
    expect(first).toMatchObject({ result: { accountId: 'acc-9', balance: 40, version: 2 }, replayed: false });
    expect(first.positions).toHaveLength(2);

    const side = await openWriteSide(file, { snapshotEvery: 2 });
    const accounts = side.store.repository(Account);
    const again = new Deposit('acc-9', 40);
    const replay = await side.pipeline.execute(again, depositHandler(accounts, again), {
      idempotencyKey: 'req-1',
    });
    expect(replay).toEqual({ ...first, replayed: true });
    expect(await side.log.readKey('account.events', 'acc-9')).toHaveLength(2);
    expect((await accounts.load('acc-9')).balance).toBe(40);

    // Same key, other payload: rejected with its own code, nothing appended.
    const other = new Deposit('acc-9', 41);
    const reuse = side.pipeline.execute(other, depositHandler(accounts, other), { idempotencyKey: 'req-1' });
    await expect(reuse).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    await expect(reuse).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', kind: 'domain' });

    // A new key is a new command.
    const next = await side.pipeline.execute(other, depositHandler(accounts, other), {
      idempotencyKey: 'req-2',
    });
    expect(next).toMatchObject({
      result: { balance: 81, version: 3 },
      replayed: false,
      streams: [{ aggregate: 'account', id: 'acc-9', fromVersion: 3, toVersion: 3 }],
    });
    expect(next.position).toMatch(/^account\.events:\d+@\d+$/);
    await side.log.close();
  });

  it('two concurrent executions with one key: one effect, both get the same result', async () => {
    const side = await openWriteSide(tempDbFile(), { concurrencyRetries: 3 });
    const accounts = side.store.repository(Account);
    const run = () => {
      const command = new Deposit('acc-7', 5);
      return side.pipeline.execute(command, depositHandler(accounts, command), { idempotencyKey: 'same' });
    };
    const [a, b] = await Promise.all([run(), run()]);
    expect(a.result).toEqual(b.result);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect(await side.log.readKey('account.events', 'acc-7')).toHaveLength(2);
    await side.log.close();
  });

  it('remembers a refusal: a repeat with the key gets the same domain error even after the state changed', async () => {
    const side = await openWriteSide(tempDbFile());
    const accounts = side.store.repository(Account);
    const open = new Deposit('acc-3', 10);
    await side.pipeline.execute(open, depositHandler(accounts, open));
    const withdraw = new Withdraw('acc-3', 25);
    const handler = async () => {
      const account = await accounts.load(withdraw.accountId);
      account.withdraw(withdraw.amount);
      await accounts.save(account);
      return { balance: account.balance };
    };
    const refused = side.pipeline.execute(withdraw, handler, { idempotencyKey: 'w-1' });
    await expect(refused).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS', kind: 'domain' });
    const firstError = await refused.catch((e: DomainError) => e.toJSON());

    // Enough money now: without the remembered refusal the repeat would succeed.
    const topUp = new Deposit('acc-3', 100);
    await side.pipeline.execute(topUp, depositHandler(accounts, topUp));
    const repeat = side.pipeline.execute(withdraw, handler, { idempotencyKey: 'w-1' });
    await expect(repeat).rejects.toBeInstanceOf(DomainError);
    expect(await repeat.catch((e: DomainError) => e.toJSON())).toEqual(firstError);
    expect((await accounts.load('acc-3')).balance).toBe(110);

    // The refusal is bound to its payload like any outcome.
    const other = new Withdraw('acc-3', 26);
    await expect(side.pipeline.execute(other, handler, { idempotencyKey: 'w-1' })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    await side.log.close();
  });

  it('validates before anything else: an invalid command appends nothing, not even its key', async () => {
    const side = await openWriteSide(tempDbFile());
    const accounts = side.store.repository(Account);
    const bad = new Deposit('acc-5', -3);
    let ran = false;
    const attempt = side.pipeline.execute(bad, async () => ((ran = true), depositHandler(accounts, bad)()), {
      idempotencyKey: 'k',
    });
    await expect(attempt).rejects.toBeInstanceOf(CommandValidationError);
    await expect(attempt).rejects.toMatchObject({
      details: {
        violations: [{ property: 'amount', value: -3, constraints: { isPositive: expect.any(String) } }],
      },
    });
    expect(ran).toBe(false);
    expect(await side.log.keyVersions('eventline.commands', ['k'])).toEqual(new Map([['k', 0]]));
    await side.log.close();
  });
});
