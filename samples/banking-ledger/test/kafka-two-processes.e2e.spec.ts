import { randomBytes } from 'crypto';
import { requireKafka } from '../../../test/kafka/support/kafka-broker';
import { describePostgres } from '../../../test/projections/support/postgres-database';
import { ChildBank } from './support/child-bank';
import { openAccounts, startKafkaChildBank } from './support/kafka-bank';
import { checkLedger } from './support/ledger-checks';
import { ProjectionBody, Reply } from './support/ledger-client';
import { createPostgresBankDatabase, PostgresBankDatabase } from './support/postgres-bank-database';
import {
  Acknowledged,
  generateWorkload,
  Operation,
  sendUntilAnswered,
  seedDeposits,
} from './support/workload';

const SUITE = 'banking-ledger on Kafka + PostgreSQL: two processes, one SIGKILLed under load';
const OPERATIONS = 400;
const KILL_AFTER = 120; // answered requests (on both processes) before the second one is killed
const CONCURRENCY = 12;
const PARTITIONS = 8; // EventlineModule's default: the two processes split them, then one holds all
// Every transfer is 4 commands, each a Kafka transaction through the one write lease: on a busy
// 2-vCPU machine the transfer process needs well over the default 30 s to settle the backlog.
const QUIESCENT_MS = 120_000;

const brokers = requireKafka(SUITE);

describePostgres(SUITE, () => {
  let database: PostgresBankDatabase | undefined;
  const started: ChildBank[] = [];
  afterAll(async () => {
    await Promise.all(started.map((bank) => bank.kill()));
    await database?.drop();
  }, 60_000);

  (brokers ? it : it.skip)(
    'splits the partitions, and after a SIGKILL the survivor takes over: exact ledger checks hold',
    async () => {
      // Both processes on one Kafka cluster and one read-model database; a fresh namespace per run
      // (topics, groups and write lease of their own), so a reused broker never holds old data.
      database = await createPostgresBankDatabase();
      const env = { EVENTLINE_KAFKA_NAMESPACE: `bank-two-${process.pid}-${randomBytes(4).toString('hex')}` };
      const survivor = await startKafkaChildBank(brokers!, database.url, env);
      started.push(survivor);
      const victim = await startKafkaChildBank(brokers!, database.url, env);
      started.push(victim);

      // Each projection's consumer group spreads the partitions over both processes.
      const split = await waitFor(async () => {
        const [a, b] = [await survivor.client.projections(), await victim.client.projections()];
        const shares = a.map(
          (p) => [p.name, p.partitions, b.find((q) => q.name === p.name)!.partitions] as const,
        );
        return shares.every(([, x, y]) => x > 0 && y > 0 && x + y === PARTITIONS) ? shares : undefined;
      }, 'both processes own some partitions of every projection');
      expect(split.map(([name]) => name).sort()).toEqual([
        'accounts',
        'totals',
        'transfer-process',
        'transfers',
      ]);

      const accounts = await openAccounts(survivor.client, [
        ['EUR', 0],
        ['EUR', 250],
        ['EUR', 0],
        ['EUR', 0],
        ['USD', 100],
        ['USD', 0],
      ]);
      const workload: Operation[] = [
        ...seedDeposits(accounts, 'two', 800),
        ...generateWorkload(accounts, OPERATIONS, 23, 'two'),
      ];

      // Load through HTTP on both processes (alternating); SIGKILL the second one mid-load. Its
      // requests in flight are cut off; the rest of the load goes to the survivor.
      const acknowledged = new Acknowledged();
      const replies = new Map<string, Reply>();
      const answeredBy = { survivor: 0, victim: 0 };
      const unanswered: Operation[] = [];
      let killed: Promise<void> | undefined;
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < workload.length) {
          const index = next++;
          const op = workload[index];
          const onVictim = killed === undefined && index % 2 === 1;
          const bank = onVictim ? victim : survivor;
          const reply = await bank.client
            .send('POST', op.path, op.body, { 'Idempotency-Key': op.key })
            .catch(() => undefined);
          if (!reply || reply.status >= 500) {
            unanswered.push(op);
            continue;
          }
          replies.set(op.key, reply);
          acknowledged.record(op, reply);
          answeredBy[onVictim ? 'victim' : 'survivor'] += 1;
          if (replies.size === KILL_AFTER) killed = victim.kill();
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      await killed;
      expect(answeredBy.victim).toBeGreaterThan(0);
      expect(answeredBy.survivor).toBeGreaterThan(KILL_AFTER / 2);

      // Retry the unanswered requests on the survivor with their keys; repeat some answered ones
      // (among them the victim's): the first answer comes back, nothing happens twice.
      for (const op of unanswered) acknowledged.record(op, await sendUntilAnswered(survivor.client, op));
      for (const [key, reply] of [...replies].slice(0, 60)) {
        const op = workload.find((o) => o.key === key)!;
        expect(await survivor.client.send('POST', op.path, op.body, { 'Idempotency-Key': key })).toEqual(
          reply,
        );
      }

      // The survivor takes over every partition (after the victim's group session times out), and
      // balances, statements, transfers and totals equal the fold of the acknowledged operations.
      await checkLedger(survivor.client, accounts, acknowledged, {
        partitions: PARTITIONS,
        timeoutMs: QUIESCENT_MS,
      });
      const after: ProjectionBody[] = await survivor.client.projections();
      expect(after.map((p) => [p.name, p.status, p.partitions])).toEqual(
        split.map(([name]) => [name, 'running', PARTITIONS]),
      );
    },
    300_000, // two service start-ups, a group session timeout, the load on a busy machine
  );
});

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
