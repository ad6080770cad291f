import { RunningBank, startBank } from './support/bank-app';
import { checkLedger } from './support/ledger-checks';
import { Acknowledged, generateWorkload, pool, SeededAccount, seedDeposits } from './support/workload';

const OPERATIONS = 400;
const CONCURRENCY = 16;

describe('banking-ledger under a concurrent load (embedded engine)', () => {
  let bank: RunningBank;
  beforeAll(async () => {
    bank = await startBank();
  });
  afterAll(() => bank.close());

  it('keeps every balance exact, within its limit and equal to its statement; conserves totals', async () => {
    const acknowledged = new Acknowledged();
    const accounts: SeededAccount[] = [];
    for (const [i, [currency, overdraftLimit]] of (
      [
        ['EUR', 0],
        ['EUR', 0],
        ['EUR', 300],
        ['EUR', 0],
        ['EUR', 1_000],
        ['USD', 0],
        ['USD', 200],
      ] as const
    ).entries()) {
      const id = await bank.client.openAccount(`owner-${i}`, currency, overdraftLimit);
      accounts.push({ id, currency, overdraftLimit });
    }
    const seed = Number(process.env.LEDGER_SEED ?? 20261126);
    const workload = [
      // Some money first, so that withdrawals and transfers have something to move.
      ...seedDeposits(accounts, 'load', 500),
      ...generateWorkload(accounts, OPERATIONS, seed, 'load'),
    ];
    await pool(workload, CONCURRENCY, async (op) => {
      acknowledged.record(
        op,
        await bank.client.send('POST', op.path, op.body, { 'Idempotency-Key': op.key }),
      );
    });

    const models = await checkLedger(bank.client, accounts, acknowledged);
    // The workload really exercised refusals and both transfer outcomes.
    expect(new Set(acknowledged.refused)).toEqual(
      new Set(['INSUFFICIENT_FUNDS', 'SAME_ACCOUNT', 'CURRENCY_MISMATCH']),
    );
    expect(new Set(models.transfers.map((t) => t.status))).toEqual(new Set(['completed', 'failed']));
  });
});
