import { rmSync } from 'fs';
import { dirname, join } from 'path';
import { tempBankFile } from './support/bank-app';
import { ChildBank, startChildBank } from './support/child-bank';
import { checkLedger, readModels } from './support/ledger-checks';
import { Reply } from './support/ledger-client';
import { unappliedRecords } from './support/process-backlog';
import {
  Acknowledged,
  generateWorkload,
  Operation,
  pool,
  SeededAccount,
  seedDeposits,
} from './support/workload';

const OPERATIONS = 600;
const KILL_AFTER = 150;
const PARTITIONS = 8; // EventlineModule's default; after the crash one process must hold them all

describe('banking-ledger crash recovery (service in a child process, SIGKILL under load)', () => {
  const file = tempBankFile();
  const started: ChildBank[] = [];
  const start = async (): Promise<ChildBank> => {
    const child = await startChildBank(file);
    started.push(child);
    return child;
  };
  afterAll(async () => {
    await Promise.all(started.map((child) => child.kill()));
  });

  it('keeps the exact checks after a SIGKILL, a restart and retries by idempotency key; a rebuild reproduces the read models', async () => {
    let bank = await start();
    const accounts: SeededAccount[] = [];
    for (const [i, [currency, overdraftLimit]] of (
      [
        ['EUR', 0],
        ['EUR', 250],
        ['EUR', 0],
        ['EUR', 0],
        ['USD', 100],
        ['USD', 0],
      ] as const
    ).entries()) {
      accounts.push({
        id: await bank.client.openAccount(`owner-${i}`, currency, overdraftLimit),
        currency,
        overdraftLimit,
      });
    }
    const workload: Operation[] = [
      ...seedDeposits(accounts, 'crash', 800),
      // Transfers first: they are accepted faster than the transfer process carries them out, so
      // the kill finds it with a backlog and transfers between their debit and their credit.
      ...generateWorkload(accounts, OPERATIONS, 7, 'crash').sort(
        (a, b) => Number(b.kind === 'transfer') - Number(a.kind === 'transfer'),
      ),
    ];

    // Load, and SIGKILL the service while requests and transfers are in flight.
    const acknowledged = new Acknowledged();
    const replies = new Map<string, Reply>();
    const running = bank;
    await pool(workload, 16, async (op) => {
      const reply = await running.client
        .send('POST', op.path, op.body, { 'Idempotency-Key': op.key })
        .catch(() => undefined);
      if (!reply) return;
      replies.set(op.key, reply);
      acknowledged.record(op, reply);
      if (replies.size === KILL_AFTER) await running.kill();
    });
    const unacknowledged = workload.filter((op) => !replies.has(op.key));
    expect(replies.size).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(unacknowledged.length).toBeGreaterThan(0);
    // The transfer process died with steps still to take (read from the files it left behind).
    expect(await unappliedRecords(file, 'transfer-process', 'transfer.events')).toBeGreaterThan(0);

    // Restart on the same data; retry what was not acknowledged, and repeat some that were.
    bank = await start();
    const restarted = bank;
    await pool(unacknowledged, 16, async (op) => {
      acknowledged.record(
        op,
        await restarted.client.send('POST', op.path, op.body, { 'Idempotency-Key': op.key }),
      );
    });
    for (const op of workload.filter((o) => replies.has(o.key)).slice(0, 60)) {
      const again = await restarted.client.send('POST', op.path, op.body, { 'Idempotency-Key': op.key });
      expect(again).toEqual(replies.get(op.key)); // successes and refusals alike: the first answer
    }

    const before = await checkLedger(restarted.client, accounts, acknowledged, { partitions: PARTITIONS });
    expect(new Set(before.transfers.map((t) => t.status))).toEqual(new Set(['completed', 'failed']));
    const transferIds = [...acknowledged.transfers.keys()];

    // Rebuild every projection online (shadow tables, atomic switch): the same read models.
    await restarted.client.rebuildAll(['transfer-process']);
    await restarted.client.quiescent(transferIds, { partitions: PARTITIONS });
    expect(await readModels(restarted.client, accounts, transferIds)).toEqual(before);

    // And from scratch: drop the read-model database, start again, let the projections replay the log.
    await restarted.stop();
    for (const suffix of ['', '-wal', '-shm'])
      rmSync(join(dirname(file), `bank.read-models.db${suffix}`), { force: true });
    bank = await start();
    await bank.client.quiescent(transferIds, { partitions: PARTITIONS });
    expect(await readModels(bank.client, accounts, transferIds)).toEqual(before);
  }, 180_000); // three service start-ups and a group session timeout
});
