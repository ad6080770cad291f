import { fork } from 'child_process';
import { join } from 'path';
import { LogRecord } from '@eventline/core';
import { KafkaEventLog } from '@eventline/kafka';
import { Account } from '../write-side/bank/account';
import { openWriteSide, WriteSide } from '../write-side/support/write-side';
import { requireKafka } from './support/kafka-broker';

/**
 * Optimistic concurrency on Kafka across OS processes (DESIGN.md, "Optimistic concurrency on
 * Kafka"): two processes load the same account version, both decide, exactly one wins.
 */
const brokers = requireKafka('write race on Kafka (two OS processes)');
const ROUNDS = Number(process.env.EVENTLINE_KAFKA_RACE_ROUNDS ?? 1000);

class Deposit {
  constructor(
    readonly accountId: string,
    readonly amount: number,
  ) {}
}

function expectStream(records: LogRecord[], amounts: number[]): void {
  expect(records.map((r) => r.keyVersion)).toEqual(records.map((_, i) => i + 1));
  const ids = records.map((r) => r.headers['eventline.event-id']);
  expect(new Set(ids).size).toBe(ids.length);
  const stored = records.slice(1).map((r) => (JSON.parse(r.value!.toString()) as { amount: number }).amount);
  expect(stored.sort((a, b) => a - b)).toEqual([...amounts].sort((a, b) => a - b));
}

async function openAccount(side: WriteSide, id: string): Promise<void> {
  const accounts = side.store.repository(Account);
  await side.pipeline.execute(new Deposit(id, 0), async () => {
    const account = await accounts.create(id);
    account.open('ada', 'EUR');
    await accounts.save(account);
  });
}

(brokers ? describe : describe.skip)('optimistic concurrency on Kafka', () => {
  jest.setTimeout(600_000);

  it(`two OS processes, ${ROUNDS} races on one account: exactly one winner per version, no gap`, async () => {
    const transactionalId = `eventline-race-${process.pid}-${Date.now()}`;
    const accountId = `acc-race-${Date.now().toString(36)}`;
    const side = await openWriteSide('', {
      log: await KafkaEventLog.open({ brokers: brokers!, transactionalId }),
    });
    await openAccount(side, accountId);
    const script = join(__dirname, 'support', 'kafka-racing-writer.ts');
    const children = [1, 2].map((n) =>
      fork(script, [brokers!, transactionalId, accountId, String(n)], {
        execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', '--no-warnings'],
        env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '..', '..', 'tsconfig.json') },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    const waiters = new Map<string, (m: { won: boolean; amount: number; failure?: string }) => void>();
    for (const child of children) {
      child.on(
        'message',
        (m: {
          round: number;
          phase: string;
          won: boolean;
          amount: number;
          child: number;
          failure?: string;
        }) => waiters.get(`${m.phase}:${m.round}:${m.child}`)?.(m),
      );
    }
    const next = (phase: string, round: number, child: number) =>
      new Promise<{ won: boolean; amount: number; failure?: string }>((resolve) =>
        waiters.set(`${phase}:${round}:${child}`, resolve),
      );
    try {
      await race(children, next, side, accountId);
    } finally {
      // A failed expectation must not leave children or connections behind (Jest would not exit).
      children.forEach((c) => c.connected && c.kill());
      await side.log.close();
    }
  });
});

type Next = (
  phase: string,
  round: number,
  child: number,
) => Promise<{ won: boolean; amount: number; failure?: string }>;

async function race(
  children: ReturnType<typeof fork>[],
  next: Next,
  side: WriteSide,
  accountId: string,
): Promise<void> {
  await Promise.all([next('ready', -1, 1), next('ready', -1, 2)]);
  const wins: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const loaded = [next('loaded', round, 1), next('loaded', round, 2)];
    children.forEach((c) => c.send({ go: 'load', round }));
    await Promise.all(loaded);
    const done = [next('done', round, 1), next('done', round, 2)];
    children.forEach((c) => c.send({ go: 'decide', round }));
    const results = await Promise.all(done);
    expect(results.map((r) => r.failure).filter(Boolean)).toEqual([]);
    expect(results.filter((r) => r.won)).toHaveLength(1);
    wins.push(results.find((r) => r.won)!.amount);
  }
  children.forEach((c) => c.send({ go: 'exit' }));
  await Promise.all(children.map((c) => new Promise((resolve) => c.on('exit', resolve))));
  expectStream(await side.log.readKey('account.events', accountId), wins);
  expect((await side.store.repository(Account).load(accountId)).balance).toBe(
    wins.reduce((s, x) => s + x, 0),
  );
}
