import { Acknowledged, SeededAccount } from './workload';
import { AccountBody, LedgerClient, StatementEntryBody, TransferBody } from './ledger-client';

/** Every read model of the ledger, as plain data: compared before and after a rebuild. */
export interface ReadModels {
  readonly accounts: AccountBody[];
  readonly statements: Record<string, StatementEntryBody[]>;
  readonly transfers: TransferBody[];
  readonly totals: Record<string, { accounts: number; balance: number }>;
}

/**
 * The exact checks at a quiescent point: each balance equals its statement's sum and the value
 * expected from the acknowledged operations (direct movements plus completed transfers); every
 * statement step stays within the overdraft limit; failed transfers moved nothing; the totals per
 * currency equal the net of deposits and withdrawals (transfers conserve money).
 */
export async function checkLedger(
  client: LedgerClient,
  accounts: readonly SeededAccount[],
  acknowledged: Acknowledged,
  quiescence: { partitions?: number; timeoutMs?: number } = {},
): Promise<ReadModels> {
  await client.quiescent([...acknowledged.transfers.keys()], quiescence);
  const expected = new Map(accounts.map((a) => [a.id, acknowledged.direct.get(a.id) ?? 0]));
  const transfers: TransferBody[] = [];
  for (const [transferId, op] of acknowledged.transfers) {
    const transfer = await client.transfer(transferId);
    expect(transfer).toMatchObject({
      fromAccountId: op.accountId,
      toAccountId: op.toAccountId,
      amount: op.amount,
    });
    expect(['completed', 'failed']).toContain(transfer.status);
    if (transfer.status === 'completed') {
      expect(transfer.reason).toBeUndefined();
      expected.set(op.accountId, expected.get(op.accountId)! - op.amount);
      expected.set(op.toAccountId!, expected.get(op.toAccountId!)! + op.amount);
    }
    transfers.push(transfer);
  }
  const views: AccountBody[] = [];
  const statements: Record<string, StatementEntryBody[]> = {};
  for (const { id, overdraftLimit } of accounts) {
    const [view, entries] = [await client.account(id), await client.statement(id)];
    let running = 0;
    for (const entry of entries) {
      running += entry.amount;
      expect(entry.balanceAfter).toBe(running);
      expect(entry.balanceAfter).toBeGreaterThanOrEqual(-overdraftLimit);
    }
    expect({ id, balance: view.balance, statementSum: running }).toEqual({
      id,
      balance: expected.get(id),
      statementSum: expected.get(id),
    });
    views.push(view);
    statements[id] = entries;
  }
  for (const transfer of transfers.filter((t) => t.status === 'failed')) {
    const moved = (id: string) =>
      statements[id]
        .filter((e) => e.transferId === transfer.transferId)
        .reduce((sum, e) => sum + e.amount, 0);
    expect([moved(transfer.fromAccountId), moved(transfer.toAccountId)]).toEqual([0, 0]);
  }
  const totals = await client.totals();
  for (const currency of new Set(accounts.map((a) => a.currency))) {
    const inCurrency = accounts.filter((a) => a.currency === currency);
    const net = inCurrency.reduce((sum, a) => sum + (acknowledged.direct.get(a.id) ?? 0), 0);
    expect(totals[currency]).toEqual({ accounts: inCurrency.length, balance: net });
  }
  return {
    accounts: views,
    statements,
    transfers: transfers.sort((a, b) => a.transferId.localeCompare(b.transferId)),
    totals,
  };
}

/** The read models as they are now (for a comparison after a rebuild); call at a quiescent point. */
export async function readModels(
  client: LedgerClient,
  accounts: readonly SeededAccount[],
  transferIds: readonly string[],
): Promise<ReadModels> {
  const statements: Record<string, StatementEntryBody[]> = {};
  const views: AccountBody[] = [];
  for (const { id } of accounts) {
    views.push(await client.account(id));
    statements[id] = await client.statement(id);
  }
  const transfers: TransferBody[] = [];
  for (const id of [...transferIds].sort()) transfers.push(await client.transfer(id));
  return { accounts: views, statements, transfers, totals: await client.totals() };
}
