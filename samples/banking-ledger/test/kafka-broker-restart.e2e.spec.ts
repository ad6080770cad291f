import { describePostgres } from '../../../test/projections/support/postgres-database';
import { DedicatedBroker, dedicatedBrokerUnavailable } from '../../../test/kafka/support/dedicated-broker';
import { ChildBank } from './support/child-bank';
import { startKafkaChildBank, openAccounts } from './support/kafka-bank';
import { checkLedger } from './support/ledger-checks';
import { Reply } from './support/ledger-client';
import { createPostgresBankDatabase, PostgresBankDatabase } from './support/postgres-bank-database';
import { isQuarantined } from '../../../test/kafka/support/quarantine';
import {
  Acknowledged,
  generateWorkload,
  Operation,
  sendUntilAnswered,
  seedDeposits,
} from './support/workload';

const SUITE = 'banking-ledger on Kafka + PostgreSQL: broker restart under load';
const RESTART_AFTER = 80; // acknowledged requests before the broker is stopped
const AFTER_RESTART = 80; // acknowledged requests after it is back, before the load stops
const CONCURRENCY = 8;
const PARTITIONS = 8;
// Every transfer is 4 commands, each a Kafka transaction through the one write lease: on a busy
// 2-vCPU machine the transfer process needs well over the default 30 s to settle the backlog.
const QUIESCENT_MS = 120_000;

const noBroker = dedicatedBrokerUnavailable(SUITE);

// QUARANTINED (open bug, issue #6): about 1 run in 10 the deposit in flight when the broker stops
// (restart-82, 273 to the fifth account) takes effect twice — its transaction commits although the
// client got 503 BACKEND_UNAVAILABLE, and the retry with the same Idempotency-Key runs again.
// Balance and statement agree, 273 above the fold of acknowledged operations. Run it with
// EVENTLINE_RUN_QUARANTINED=1 until the Kafka write lease's ambiguous-commit path is fixed (the
// engine test test/kafka/broker-restart.test.ts finds the same bug as a duplicate keyVersion).
const quarantined =
  !noBroker &&
  isQuarantined(SUITE, 'a request in flight at the broker stop can take effect twice (issue #6)');

describePostgres(SUITE, () => {
  let broker: DedicatedBroker | undefined;
  let database: PostgresBankDatabase | undefined;
  let bank: ChildBank | undefined;
  afterAll(async () => {
    await bank?.kill();
    await broker?.dispose();
    await database?.drop();
  }, 120_000);

  (noBroker || quarantined ? it.skip : it)(
    'loses no acknowledged write and duplicates no effect when the broker restarts while commands flow',
    async () => {
      // A broker of its own (stopping the shared one would disturb other suites), on a fresh cluster.
      broker = await DedicatedBroker.start();
      database = await createPostgresBankDatabase();
      bank = await startKafkaChildBank(broker.brokers, database.url);
      const client = bank.client;
      const accounts = await openAccounts(client, [
        ['EUR', 0],
        ['EUR', 250],
        ['EUR', 0],
        ['USD', 100],
        ['USD', 0],
      ]);
      const workload: Operation[] = [
        ...seedDeposits(accounts, 'restart', 800),
        ...generateWorkload(accounts, 2000, 11, 'restart'),
      ];

      // Load; after RESTART_AFTER answers the broker is stopped and started again (same data dir)
      // while the requests go on; the load stops once AFTER_RESTART more have been answered.
      const acknowledged = new Acknowledged();
      const replies = new Map<string, Reply>();
      const unanswered: Operation[] = [];
      const failures: unknown[] = [];
      let restart: Promise<void> | undefined;
      let restarted = false;
      let restartFailure: unknown;
      let answeredAfter = 0;
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < workload.length && answeredAfter < AFTER_RESTART && restartFailure === undefined) {
          const op = workload[next++];
          const reply = await client
            .send('POST', op.path, op.body, { 'Idempotency-Key': op.key })
            .catch(String);
          if (typeof reply === 'object' && reply.status < 500) {
            replies.set(op.key, reply);
            acknowledged.record(op, reply);
            if (restarted) answeredAfter += 1;
            if (replies.size === RESTART_AFTER)
              restart = broker!.stop().then(
                async () => {
                  await broker!.restart();
                  restarted = true;
                },
                (error: unknown) => void (restartFailure = error),
              );
          } else {
            unanswered.push(op);
            failures.push(typeof reply === 'object' ? reply.body : reply);
            await new Promise((resolve) => setTimeout(resolve, 250)); // the outage: no busy loop
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      await restart;
      if (restartFailure !== undefined) throw restartFailure;
      expect(answeredAfter).toBeGreaterThanOrEqual(AFTER_RESTART);
      // A request in flight during the outage waits for the broker or fails the retryable way:
      // 503 BACKEND_UNAVAILABLE, nothing else (no 500, no 409, no lost connection).
      for (const failure of failures)
        expect(failure).toMatchObject({ statusCode: 503, code: 'BACKEND_UNAVAILABLE' });

      // Retry what was not acknowledged with its idempotency key; repeat some that were.
      for (const op of unanswered) acknowledged.record(op, await sendUntilAnswered(client, op));
      for (const [key, reply] of [...replies].slice(0, 40)) {
        const op = workload.find((o) => o.key === key)!;
        expect(await client.send('POST', op.path, op.body, { 'Idempotency-Key': key })).toEqual(reply);
      }

      // Balances, statements, transfers and totals equal the fold of the acknowledged operations.
      await checkLedger(client, accounts, acknowledged, { partitions: PARTITIONS, timeoutMs: QUIESCENT_MS });
      expect((await client.projections()).every((p) => p.status === 'running')).toBe(true);
    },
    300_000, // a broker start, a restart and a service start-up on a busy machine
  );
});
