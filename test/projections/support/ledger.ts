import { EntityManager } from 'typeorm';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { Event, On, Projection, ProjectionContext } from '@eventline/core';

export const LEDGER_TOPIC = 'ledger.events';

@Event('ledger.opened')
export class Opened {
  constructor(
    readonly accountId: string,
    readonly owner: string,
  ) {}
}

@Event('ledger.deposited')
export class Deposited {
  constructor(
    readonly accountId: string,
    readonly amount: number,
  ) {}
}

@Event('ledger.withdrawn')
export class Withdrawn {
  constructor(
    readonly accountId: string,
    readonly amount: number,
  ) {}
}

/** Written to the log but handled by no projection: must be skipped and still checkpointed. */
@Event('ledger.noted')
export class Noted {
  constructor(
    readonly accountId: string,
    readonly text: string,
  ) {}
}

export type LedgerEvent = Opened | Deposited | Withdrawn | Noted;

@Entity('account_balances')
export class AccountBalance {
  @PrimaryColumn({ type: 'varchar' })
  id!: string;

  /** Indexed: a rebuild must not trip over index names left by the one before. */
  @Index()
  @Column({ type: 'varchar' })
  owner!: string;

  @Column({ type: 'integer' })
  balance!: number;

  /** Events applied to this row: a redelivery that slipped through would make it exceed the history. */
  @Column({ type: 'integer' })
  applied!: number;
}

/** The read model as plain data, comparable with the fold of the history. */
export type BalanceRow = Pick<AccountBalance, 'id' | 'owner' | 'balance' | 'applied'>;

@Projection('balances', { topics: [LEDGER_TOPIC], version: 1, readModels: [AccountBalance] })
export class Balances {
  /** Offsets (as `partition@offset`) whose handler throws once: a crash in the middle of a batch. */
  readonly failOnce = new Set<string>();
  /** Offsets whose handler throws every time: poison events. */
  readonly failAlways = new Set<string>();

  @On(Opened)
  async opened(e: Opened, ctx: ProjectionContext<EntityManager>): Promise<void> {
    await this.before(ctx);
    await ctx.manager.insert(AccountBalance, { id: e.accountId, owner: e.owner, balance: 0, applied: 1 });
  }

  @On(Deposited)
  async deposited(e: Deposited, ctx: ProjectionContext<EntityManager>): Promise<void> {
    await this.before(ctx);
    await this.move(ctx.manager, e.accountId, e.amount);
  }

  @On(Withdrawn)
  async withdrawn(e: Withdrawn, ctx: ProjectionContext<EntityManager>): Promise<void> {
    await this.before(ctx);
    await this.move(ctx.manager, e.accountId, -e.amount);
  }

  private async move(manager: EntityManager, id: string, amount: number): Promise<void> {
    const row = await manager.findOneByOrFail(AccountBalance, { id });
    await manager.update(AccountBalance, { id }, { balance: row.balance + amount, applied: row.applied + 1 });
  }

  /** Runs before each handler: slow work, or a trace, in multi-process tests. */
  beforeEach?: (ctx: ProjectionContext<EntityManager>) => Promise<void>;

  private async before(ctx: ProjectionContext<EntityManager>): Promise<void> {
    this.maybeFail(ctx);
    await this.beforeEach?.(ctx);
  }

  private maybeFail(ctx: ProjectionContext<EntityManager>): void {
    const at = `${ctx.partition}@${ctx.offset}`;
    if (this.failOnce.delete(at) || this.failAlways.has(at)) throw new Error(`injected failure at ${at}`);
  }
}

/** What the read model must hold after applying `history` once, in order. */
export function fold(history: readonly LedgerEvent[]): BalanceRow[] {
  const rows = new Map<string, BalanceRow>();
  for (const e of history) {
    if (e instanceof Opened)
      rows.set(e.accountId, { id: e.accountId, owner: e.owner, balance: 0, applied: 1 });
    const row = rows.get(e.accountId);
    if (!row) continue;
    if (e instanceof Deposited)
      Object.assign(row, { balance: row.balance + e.amount, applied: row.applied + 1 });
    if (e instanceof Withdrawn)
      Object.assign(row, { balance: row.balance - e.amount, applied: row.applied + 1 });
  }
  return [...rows.values()].sort(byId);
}

/** A deterministic history: every account opened first, then a mix of moves and notes. */
export function history(accounts: number, moves: number, seed = 7): LedgerEvent[] {
  let state = seed;
  const next = (n: number): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const events: LedgerEvent[] = [];
  for (let i = 0; i < accounts; i += 1) events.push(new Opened(`acc-${i}`, `owner-${i}`));
  for (let i = 0; i < moves; i += 1) {
    const id = `acc-${next(accounts)}`;
    const kind = next(10);
    if (kind < 6) events.push(new Deposited(id, 1 + next(100)));
    else if (kind < 9) events.push(new Withdrawn(id, 1 + next(50)));
    else events.push(new Noted(id, `note ${i}`));
  }
  return events;
}

export function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
