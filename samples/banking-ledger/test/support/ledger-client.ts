/** What a test needs from an HTTP response, whichever client sent it (supertest in-process, fetch to a child). */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

export type Send = (
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Reply>;

export interface AccountBody {
  accountId: string;
  owner: string;
  currency: string;
  balance: number;
  status: 'open' | 'closed';
  version: number;
}

export interface StatementEntryBody {
  type: string;
  amount: number;
  balanceAfter: number;
  transferId?: string;
  at: string;
}

export interface TransferBody {
  transferId: string;
  status: 'pending' | 'completed' | 'failed';
  reason?: string;
  fromAccountId: string;
  toAccountId: string;
  amount: number;
}

export interface ProjectionBody {
  name: string;
  status: string;
  lag: number;
  partitions: number;
  rebuild?: { phase: string };
}

/** Typed calls of the HTTP contract over any transport. */
export class LedgerClient {
  constructor(readonly send: Send) {}

  async openAccount(owner: string, currency: string, overdraftLimit?: number): Promise<string> {
    const reply = await this.send('POST', '/accounts', {
      owner,
      currency,
      ...(overdraftLimit ? { overdraftLimit } : {}),
    });
    expectStatus(reply, 201);
    return (reply.body as { accountId: string }).accountId;
  }

  async account(id: string): Promise<AccountBody> {
    const reply = await this.send('GET', `/accounts/${id}`);
    expectStatus(reply, 200);
    return reply.body as AccountBody;
  }

  async statement(id: string): Promise<StatementEntryBody[]> {
    const reply = await this.send('GET', `/accounts/${id}/statement`);
    expectStatus(reply, 200);
    return (reply.body as { entries: StatementEntryBody[] }).entries;
  }

  async transfer(id: string): Promise<TransferBody> {
    const reply = await this.send('GET', `/transfers/${id}`);
    expectStatus(reply, 200);
    return reply.body as TransferBody;
  }

  async totals(): Promise<Record<string, { accounts: number; balance: number }>> {
    const reply = await this.send('GET', '/totals');
    expectStatus(reply, 200);
    return reply.body as Record<string, { accounts: number; balance: number }>;
  }

  async projections(): Promise<ProjectionBody[]> {
    const reply = await this.send('GET', '/admin/projections');
    expectStatus(reply, 200);
    return reply.body as ProjectionBody[];
  }

  /**
   * Waits for a quiescent point: no transfer among `transferIds` pending, and every projection
   * caught up (twice in a row, since the transfer process appends while it works). With
   * `partitions`, each projection must also hold that many partitions: after a crash the dead
   * process keeps its share until its group session times out.
   */
  async quiescent(
    transferIds: readonly string[],
    { timeoutMs = 30_000, partitions = 0 } = {},
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let calm = 0;
    let last: ProjectionBody[] = [];
    while (calm < 2) {
      if (Date.now() > deadline) {
        throw new Error(`The ledger did not reach a quiescent point in time: ${JSON.stringify(last)}`);
      }
      last = await this.projections();
      const lagging = last.some((p) => p.lag > 0 || p.status !== 'running' || p.partitions < partitions);
      const pending = lagging ? true : await this.anyPending(transferIds);
      calm = lagging || pending ? 0 : calm + 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * Rebuilds every read-model projection through the admin endpoint and waits until all have
   * switched over. Process managers (`skip`) have no read model to rebuild.
   */
  async rebuildAll(skip: readonly string[], timeoutMs = 30_000): Promise<void> {
    const names = (await this.projections()).map((p) => p.name).filter((name) => !skip.includes(name));
    for (const name of names)
      expectStatus(await this.send('POST', `/admin/projections/${name}/rebuild`), 202);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const reports = (await this.projections()).filter((p) => names.includes(p.name));
      const failed = reports.find((p) => p.rebuild?.phase === 'failed');
      if (failed) throw new Error(`Rebuild of ${failed.name} failed: ${JSON.stringify(failed)}`);
      if (reports.every((p) => p.rebuild?.phase === 'done' && p.status === 'running')) return;
      if (Date.now() > deadline)
        throw new Error(`Rebuilds did not finish in time: ${JSON.stringify(reports)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async anyPending(transferIds: readonly string[]): Promise<boolean> {
    for (const id of transferIds) {
      const reply = await this.send('GET', `/transfers/${id}`);
      if (reply.status !== 200 || (reply.body as TransferBody).status === 'pending') return true;
    }
    return false;
  }
}

export function expectStatus(reply: Reply, status: number): void {
  if (reply.status !== status) {
    throw new Error(`Expected HTTP ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  }
}
