/** ctx.buffer: per-batch buffers flushed inside the batch's transaction, before its checkpoint. */
import { EntityManager } from 'typeorm';
import { On, Projection, ProjectionContext, ProjectionRunner } from '@eventline/core';
import { AccountBalance, Deposited, fold, history, LEDGER_TOPIC, Opened, Withdrawn } from './support/ledger';
import { LedgerFixture } from './support/ledger-fixture';
import { caughtUp } from './read-model-store-contract';

type Deltas = Map<string, { amount: number; applied: number }>;

@Projection('balances', { topics: [LEDGER_TOPIC], readModels: [AccountBalance] })
class BufferedBalances {
  flushes = 0;
  failNextFlush = false;

  @On(Opened)
  async opened(e: Opened, ctx: ProjectionContext<EntityManager>): Promise<void> {
    await this.flushFirst(ctx); // rows must exist before buffered deltas land on them
    await ctx.manager.insert(AccountBalance, { id: e.accountId, owner: e.owner, balance: 0, applied: 1 });
  }

  @On(Deposited)
  deposited(e: Deposited, ctx: ProjectionContext<EntityManager>): void {
    this.add(ctx, e.accountId, e.amount);
  }

  @On(Withdrawn)
  withdrawn(e: Withdrawn, ctx: ProjectionContext<EntityManager>): void {
    this.add(ctx, e.accountId, -e.amount);
  }

  private deltas(ctx: ProjectionContext<EntityManager>): Deltas {
    return ctx.buffer(
      'deltas',
      (): Deltas => new Map(),
      (deltas, manager) => this.flush(deltas, manager),
    );
  }

  private add(ctx: ProjectionContext<EntityManager>, id: string, amount: number): void {
    const deltas = this.deltas(ctx);
    const d = deltas.get(id) ?? { amount: 0, applied: 0 };
    deltas.set(id, { amount: d.amount + amount, applied: d.applied + 1 });
  }

  private async flushFirst(ctx: ProjectionContext<EntityManager>): Promise<void> {
    const deltas = this.deltas(ctx);
    await this.flush(deltas, ctx.manager);
  }

  private async flush(deltas: Deltas, manager: EntityManager): Promise<void> {
    if (deltas.size === 0) return;
    this.flushes += 1;
    for (const [id, d] of deltas) {
      await manager.increment(AccountBalance, { id }, 'balance', d.amount);
      await manager.increment(AccountBalance, { id }, 'applied', d.applied);
    }
    deltas.clear();
    if (this.failNextFlush) {
      this.failNextFlush = false;
      throw new Error('flush failed after writing');
    }
  }
}

describe('per-batch buffers (ctx.buffer)', () => {
  let f: LedgerFixture;

  beforeEach(async () => {
    f = new LedgerFixture();
    await f.createTopic(4);
  });

  afterEach(async () => {
    await f.close();
  });

  it('are flushed in the batch transaction before the checkpoint: a failing flush rolls the batch back whole', async () => {
    const events = history(8, 400, 29);
    await f.append(events);
    const projection = new BufferedBalances();
    projection.failNextFlush = true;
    const runner: ProjectionRunner<EntityManager> = await f.runner({ projection, batchSize: 100 });
    await runner.start();
    await caughtUp(runner, f);
    expect(projection.failNextFlush).toBe(false);
    expect(projection.flushes).toBeGreaterThan(1);
    expect(await f.readModel()).toEqual(fold(events));
  });
});
