import { LedgerClient, Reply } from './ledger-client';

/** One request of a generated workload, with the idempotency key it is (re)sent with. */
export interface Operation {
  readonly key: string;
  readonly kind: 'deposit' | 'withdrawal' | 'transfer';
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly accountId: string;
  readonly toAccountId?: string;
  readonly amount: number;
}

export interface SeededAccount {
  readonly id: string;
  readonly currency: string;
  readonly overdraftLimit: number;
}

/** Deterministic pseudo-random integers in [0, n) (mulberry32), so a failing run can be replayed. */
export function random(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** More than all deposits of a workload together: a debit of this much is refused whatever the timing. */
const BEYOND_ANY_BALANCE = 1_000_000_000;

/** Random deposits, withdrawals and transfers (some refused: overdrawn, same account, other currency). */
export function generateWorkload(
  accounts: readonly SeededAccount[],
  count: number,
  seed: number,
  prefix: string,
): Operation[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, i): Operation => {
    const from = accounts[next(accounts.length)];
    const key = `${prefix}-${i}`;
    const kind = (['deposit', 'withdrawal', 'transfer', 'transfer'] as const)[next(4)];
    if (kind === 'transfer') {
      // Mostly valid pairs; one in ten anything (the same account, another currency).
      const peers = accounts.filter((a) => a.currency === from.currency && a.id !== from.id);
      const to =
        next(10) === 0 || peers.length === 0 ? accounts[next(accounts.length)] : peers[next(peers.length)];
      // Every 25th transfer asks for more than the bank holds: its debit is always refused.
      const amount = i % 25 === 0 ? BEYOND_ANY_BALANCE : 1 + next(300);
      const body = { fromAccountId: from.id, toAccountId: to.id, amount };
      return { key, kind, path: '/transfers', body, accountId: from.id, toAccountId: to.id, amount };
    }
    const amount =
      kind === 'withdrawal' && i % 25 === 1 ? BEYOND_ANY_BALANCE : 1 + next(kind === 'deposit' ? 500 : 400);
    const path = `/accounts/${from.id}/${kind === 'deposit' ? 'deposits' : 'withdrawals'}`;
    return { key, kind, path, body: { amount, reference: key }, accountId: from.id, amount };
  });
}

const REFUSALS = new Set(['INSUFFICIENT_FUNDS', 'SAME_ACCOUNT', 'CURRENCY_MISMATCH']);

/**
 * What the client knows from the acknowledged replies: the net of direct deposits and withdrawals
 * per account, and the transfers that were accepted (their outcome is read once quiescent).
 */
/** One deposit of `amount` into each account (keys `<prefix>-seed-<i>`): money for the workload to move. */
export function seedDeposits(
  accounts: readonly SeededAccount[],
  prefix: string,
  amount: number,
): Operation[] {
  return accounts.map((a, i) => ({
    key: `${prefix}-seed-${i}`,
    kind: 'deposit' as const,
    path: `/accounts/${a.id}/deposits`,
    body: { amount },
    accountId: a.id,
    amount,
  }));
}

export class Acknowledged {
  readonly direct = new Map<string, number>();
  readonly transfers = new Map<string, Operation>();
  readonly refused: string[] = [];

  record(op: Operation, reply: Reply): void {
    const body = reply.body as { code?: string; transferId?: string };
    if (reply.status === 422 && body.code && REFUSALS.has(body.code)) {
      this.refused.push(body.code);
    } else if (op.kind === 'transfer' && reply.status === 202 && body.transferId) {
      this.transfers.set(body.transferId, op);
    } else if (op.kind !== 'transfer' && reply.status === 201) {
      const signed = op.kind === 'deposit' ? op.amount : -op.amount;
      this.direct.set(op.accountId, (this.direct.get(op.accountId) ?? 0) + signed);
    } else {
      throw new Error(
        `Unexpected reply to ${op.kind} ${op.key}: ${reply.status} ${JSON.stringify(reply.body)}`,
      );
    }
  }
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Sends `op` with its idempotency key until the service answers it (anything but 5xx), as a client
 * retries while a backend is unavailable; the key makes every retry safe.
 */
export async function sendUntilAnswered(
  client: LedgerClient,
  op: Operation,
  timeoutMs = 60_000,
): Promise<Reply> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await client.send('POST', op.path, op.body, { 'Idempotency-Key': op.key });
    if (reply.status < 500) return reply;
    if (Date.now() > deadline) throw new Error(`${op.key} still fails: ${JSON.stringify(reply.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
