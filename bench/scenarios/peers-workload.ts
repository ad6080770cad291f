import * as fs from 'node:fs';
import { mulberry32 } from '../zipf';

/**
 * The ledger workload every system of the `peers` scenario runs: N accounts, keys drawn from a
 * Zipf distribution (a few hot accounts, a long tail), deposits, withdrawals and transfers.
 * Commands run one after another, so every system sees the same order, rejects the same
 * withdrawals (insufficient funds) and must end with the same read model — the drivers check it.
 */

export type LedgerCommand =
  | { readonly kind: 'deposit'; readonly account: string; readonly amount: number }
  | { readonly kind: 'withdraw'; readonly account: string; readonly amount: number }
  | { readonly kind: 'transfer'; readonly account: string; readonly to: string; readonly amount: number };

export interface LedgerWorkload {
  readonly accounts: number;
  readonly zipfExponent: number;
  /** Untimed commands on separate `warm-` accounts: JIT, connections and statements warm before timing. */
  readonly warmup: readonly LedgerCommand[];
  readonly commands: readonly LedgerCommand[];
  /** What the read model must hold for the `acc-` accounts once every command has been applied. */
  readonly expected: ExpectedReadModel;
}

/** The read model in three numbers: rows, sum of balances, and events applied (a double apply shows). */
export interface ExpectedReadModel {
  readonly accounts: number;
  readonly totalBalance: number;
  readonly events: number;
  /** Commands a domain rule rejected (withdrawal or transfer above the balance): they write nothing. */
  readonly rejected: number;
}

export interface WorkloadShape {
  readonly accounts: number;
  readonly commands: number;
  readonly warmupCommands: number;
  readonly seed: number;
}

export const ZIPF_EXPONENT = 1.0;
/** Deposits 45%, withdrawals 35%, transfers 20%. */
const MIX = { deposit: 0.45, withdraw: 0.35 } as const;

export function makeLedgerWorkload(shape: WorkloadShape): LedgerWorkload {
  const random = mulberry32(shape.seed);
  const cdf = zipfCdf(shape.accounts, ZIPF_EXPONENT);
  const pick = (): number => {
    const u = random();
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const generate = (count: number, prefix: string): LedgerCommand[] =>
    Array.from({ length: count }, (): LedgerCommand => {
      const account = `${prefix}${pick()}`;
      const amount = 1 + Math.floor(random() * 100);
      const u = random();
      if (u < MIX.deposit) return { kind: 'deposit', account, amount };
      if (u < MIX.deposit + MIX.withdraw) return { kind: 'withdraw', account, amount };
      let to = `${prefix}${pick()}`;
      while (to === account) to = `${prefix}${pick()}`;
      return { kind: 'transfer', account, to, amount };
    });
  const commands = generate(shape.commands, 'acc-');
  return {
    accounts: shape.accounts,
    zipfExponent: ZIPF_EXPONENT,
    warmup: generate(shape.warmupCommands, 'warm-'),
    commands,
    expected: expectedReadModel(commands),
  };
}

/** Sequential fold of the commands: the balance rule every driver's aggregate enforces. */
export function expectedReadModel(commands: readonly LedgerCommand[]): ExpectedReadModel {
  const balances = new Map<string, number>();
  let events = 0;
  let rejected = 0;
  for (const c of commands) {
    const balance = balances.get(c.account) ?? 0;
    if (c.kind === 'deposit') {
      balances.set(c.account, balance + c.amount);
      events += 1;
    } else if (c.amount > balance) {
      rejected += 1;
    } else if (c.kind === 'withdraw') {
      balances.set(c.account, balance - c.amount);
      events += 1;
    } else {
      balances.set(c.account, balance - c.amount);
      balances.set(c.to, (balances.get(c.to) ?? 0) + c.amount);
      events += 2;
    }
  }
  let totalBalance = 0;
  for (const b of balances.values()) totalBalance += b;
  return { accounts: balances.size, totalBalance, events, rejected };
}

export function writeWorkload(file: string, workload: LedgerWorkload): void {
  fs.writeFileSync(file, JSON.stringify(workload));
}

export function readWorkload(file: string): LedgerWorkload {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as LedgerWorkload;
}

/** Cumulative Zipf probabilities of ranks 1..n (rank 1 = account 0, the hottest). */
function zipfCdf(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 1; k <= n; k++) sum += 1 / k ** s;
  let acc = 0;
  for (let k = 1; k <= n; k++) {
    acc += 1 / k ** s / sum;
    cdf[k - 1] = acc;
  }
  cdf[n - 1] = 1;
  return cdf;
}
