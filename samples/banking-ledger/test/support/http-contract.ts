/**
 * The service's HTTP contract, the same assertions on every engine: the embedded SQLite log
 * (http-contract.e2e.spec.ts) and Kafka + PostgreSQL (http-contract.kafka.e2e.spec.ts).
 */
import { Projections } from '@eventline/core';
import { RunningBank } from './bank-app';
import { BankDeployment, BankDeployments } from './bank-deployment';

const json = { 'content-type': 'application/json' };

/** Every error body has exactly the contract's shape, and never a stack trace. */
function expectError(response: { status: number; body: unknown }, status: number, code: string): void {
  expect({ status: response.status, code: (response.body as { code?: string }).code }).toEqual({
    status,
    code,
  });
  const body = response.body as Record<string, unknown>;
  expect(Object.keys(body).every((k) => ['statusCode', 'code', 'message', 'details'].includes(k))).toBe(true);
  expect(body.statusCode).toBe(status);
  expect(typeof body.message).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at |\.ts:\d+/);
}

/** Registers the contract's suites; `deployments` gives each suite fresh, empty data on one engine. */
export function describeHttpContract(engine: string, deployments: BankDeployments): void {
  describe(`banking-ledger HTTP contract (${engine})`, () => {
    let deployment: BankDeployment;
    let bank: RunningBank;
    beforeAll(async () => {
      deployment = await deployments();
      bank = await deployment.start();
    });
    afterAll(async () => {
      await bank?.close();
      await deployment?.dispose();
    });

    const post = (path: string, body?: unknown, key?: string) => {
      const call = bank.http.post(path);
      if (key) call.set('Idempotency-Key', key);
      return body === undefined ? call : call.send(body as object);
    };
    const open = async (owner = 'Ada', currency = 'EUR', overdraftLimit?: number): Promise<string> =>
      bank.client.openAccount(owner, currency, overdraftLimit);

    it('GET /health answers ok once the projections run', async () => {
      const response = await bank.http.get('/health');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'ok' });
    });

    it('opens, deposits, withdraws and reads an account with read-your-writes', async () => {
      const opened = await post('/accounts', { owner: 'Ada', currency: 'EUR', overdraftLimit: 500 });
      expect(opened.status).toBe(201);
      expect(opened.body).toEqual({ accountId: expect.any(String), position: expect.any(String) });
      const id = (opened.body as { accountId: string }).accountId;

      const deposit = await post(`/accounts/${id}/deposits`, { amount: 1_000, reference: 'salary' });
      expect(deposit.status).toBe(201);
      expect(deposit.body).toEqual({ accountId: id, version: 2, position: expect.any(String) });
      const withdrawal = await post(`/accounts/${id}/withdrawals`, { amount: 1_200 });
      expect(withdrawal.status).toBe(201);
      expect(withdrawal.body).toMatchObject({ accountId: id, version: 3 });

      const read = await bank.http.get(`/accounts/${id}`).set('X-Consistent-With', withdrawal.body.position);
      expect(read.status).toBe(200);
      expect(read.body).toEqual({
        accountId: id,
        owner: 'Ada',
        currency: 'EUR',
        balance: -200,
        status: 'open',
        version: 3,
      });

      const statement = await bank.http
        .get(`/accounts/${id}/statement`)
        .set('X-Consistent-With', withdrawal.body.position);
      expect(statement.body).toEqual({
        accountId: id,
        entries: [
          { type: 'deposit', amount: 1_000, balanceAfter: 1_000, at: expect.any(String) },
          { type: 'withdrawal', amount: -1_200, balanceAfter: -200, at: expect.any(String) },
        ],
      });
      expect(Date.parse(statement.body.entries[0].at)).toBeGreaterThan(0);
    });

    it('pages a statement with ?limit= and ?after=', async () => {
      const id = await open();
      let last = '';
      for (const amount of [1, 2, 3, 4, 5])
        last = (await post(`/accounts/${id}/deposits`, { amount })).body.position;
      const page = (query: string) =>
        bank.http.get(`/accounts/${id}/statement${query}`).set('X-Consistent-With', last);
      expect((await page('?limit=2')).body.entries.map((e: { amount: number }) => e.amount)).toEqual([1, 2]);
      expect((await page('?limit=2&after=2')).body.entries.map((e: { amount: number }) => e.amount)).toEqual([
        3, 4,
      ]);
      expect(
        (await page('?after=4')).body.entries.map((e: { balanceAfter: number }) => e.balanceAfter),
      ).toEqual([15]);
      expectError(await page('?limit=0'), 400, 'VALIDATION_FAILED');
      expectError(await page('?after=-1'), 400, 'VALIDATION_FAILED');
    });

    it('closes an account at zero balance only (200), then refuses movements with ACCOUNT_CLOSED', async () => {
      const id = await open();
      await post(`/accounts/${id}/deposits`, { amount: 10 });
      expectError(await post(`/accounts/${id}/close`), 422, 'BALANCE_NOT_ZERO');
      await post(`/accounts/${id}/withdrawals`, { amount: 10 });
      const closed = await post(`/accounts/${id}/close`);
      expect(closed.status).toBe(200);
      expect(closed.body).toEqual({ accountId: id, version: 4, position: expect.any(String) });
      expectError(await post(`/accounts/${id}/deposits`, { amount: 1 }), 422, 'ACCOUNT_CLOSED');
      const read = await bank.http.get(`/accounts/${id}`).set('X-Consistent-With', closed.body.position);
      expect(read.body).toMatchObject({ status: 'closed', balance: 0, version: 4 });
    });

    it('refuses overdrawing beyond the limit with INSUFFICIENT_FUNDS', async () => {
      const id = await open('Ada', 'EUR', 50);
      const refused = await post(`/accounts/${id}/withdrawals`, { amount: 51 });
      expectError(refused, 422, 'INSUFFICIENT_FUNDS');
      expect(refused.body.details).toMatchObject({ available: 50, amount: 51 });
    });

    it('transfers money (202), completes it, and shows it on both statements', async () => {
      const [from, to] = [await open(), await open('Bob')];
      await post(`/accounts/${from}/deposits`, { amount: 500 });
      const requested = await post('/transfers', {
        fromAccountId: from,
        toAccountId: to,
        amount: 200,
        reference: 'rent',
      });
      expect(requested.status).toBe(202);
      expect(requested.body).toEqual({ transferId: expect.any(String), position: expect.any(String) });
      const transferId = requested.body.transferId as string;
      await bank.client.quiescent([transferId]);
      expect(await bank.client.transfer(transferId)).toEqual({
        transferId,
        status: 'completed',
        fromAccountId: from,
        toAccountId: to,
        amount: 200,
      });
      expect((await bank.client.statement(from)).at(-1)).toMatchObject({
        type: 'transfer_out',
        amount: -200,
        balanceAfter: 300,
        transferId,
      });
      expect(await bank.client.statement(to)).toEqual([
        { type: 'transfer_in', amount: 200, balanceAfter: 200, transferId, at: expect.any(String) },
      ]);
    });

    it('fails a transfer whose debit is refused, moving nothing', async () => {
      const [from, to] = [await open(), await open('Bob')];
      const { transferId } = (await post('/transfers', { fromAccountId: from, toAccountId: to, amount: 1 }))
        .body;
      await bank.client.quiescent([transferId]);
      expect(await bank.client.transfer(transferId)).toMatchObject({
        status: 'failed',
        reason: 'INSUFFICIENT_FUNDS',
      });
      expect(await bank.client.statement(from)).toEqual([]);
    });

    it('refunds the source when the destination refuses the credit (closed account)', async () => {
      const [from, to] = [await open(), await open('Bob')];
      await post(`/accounts/${from}/deposits`, { amount: 100 });
      await post(`/accounts/${to}/close`);
      const { transferId } = (await post('/transfers', { fromAccountId: from, toAccountId: to, amount: 60 }))
        .body;
      await bank.client.quiescent([transferId]);
      expect(await bank.client.transfer(transferId)).toMatchObject({
        status: 'failed',
        reason: 'ACCOUNT_CLOSED',
      });
      expect((await bank.client.statement(from)).map((e) => [e.type, e.amount, e.balanceAfter])).toEqual([
        ['deposit', 100, 100],
        ['transfer_out', -60, 40],
        ['transfer_refund', 60, 100],
      ]);
      expect((await bank.client.account(from)).balance).toBe(100);
    });

    it('refuses transfers to the same account (SAME_ACCOUNT), across currencies (CURRENCY_MISMATCH), to unknown accounts (404)', async () => {
      const [eur, usd] = [await open(), await open('Bob', 'USD')];
      expectError(
        await post('/transfers', { fromAccountId: eur, toAccountId: eur, amount: 1 }),
        422,
        'SAME_ACCOUNT',
      );
      expectError(
        await post('/transfers', { fromAccountId: eur, toAccountId: usd, amount: 1 }),
        422,
        'CURRENCY_MISMATCH',
      );
      expectError(
        await post('/transfers', { fromAccountId: eur, toAccountId: 'nobody', amount: 1 }),
        404,
        'NOT_FOUND',
      );
    });

    it('keeps totals per currency: deposits and withdrawals change them, transfers do not', async () => {
      const before = await bank.client.totals();
      const [a, b] = [await open('A', 'CHF'), await open('B', 'CHF')];
      await post(`/accounts/${a}/deposits`, { amount: 700 });
      await post(`/accounts/${a}/withdrawals`, { amount: 200 });
      const { transferId } = (await post('/transfers', { fromAccountId: a, toAccountId: b, amount: 300 })).body;
      await bank.client.quiescent([transferId]);
      const after = await bank.client.totals();
      expect(before.CHF).toBeUndefined();
      expect(after.CHF).toEqual({ accounts: 2, balance: 500 });
      expect(after.EUR).toEqual(before.EUR === undefined ? undefined : after.EUR);
    });

    it('404s unknown accounts, statements, transfers and routes with NOT_FOUND', async () => {
      expectError(await bank.http.get('/accounts/nope'), 404, 'NOT_FOUND');
      expectError(await bank.http.get('/accounts/nope/statement'), 404, 'NOT_FOUND');
      expectError(await bank.http.get('/transfers/nope'), 404, 'NOT_FOUND');
      expectError(await post('/accounts/nope/deposits', { amount: 1 }), 404, 'NOT_FOUND');
      expectError(await bank.http.get('/no/such/route'), 404, 'NOT_FOUND');
    });

    it.each([
      ['a missing owner', '/accounts', { currency: 'EUR' }],
      ['an owner over 200 characters', '/accounts', { owner: 'x'.repeat(201), currency: 'EUR' }],
      ['a bad currency', '/accounts', { owner: 'Ada', currency: 'EURO' }],
      ['a lowercase currency', '/accounts', { owner: 'Ada', currency: 'eur' }],
      ['a negative overdraft limit', '/accounts', { owner: 'Ada', currency: 'EUR', overdraftLimit: -1 }],
      ['an unknown field', '/accounts', { owner: 'Ada', currency: 'EUR', admin: true }],
      ['a non-object body', '/accounts', [1, 2]],
    ])('400 VALIDATION_FAILED for %s', async (_case, path, body) => {
      expectError(await post(path, body), 400, 'VALIDATION_FAILED');
    });

    it('400 VALIDATION_FAILED for bad amounts: zero, negative, fractional, string, unsafe integers', async () => {
      const id = await open();
      for (const amount of [0, -5, 1.5, '10', 2 ** 53, 1e300, null]) {
        expectError(await post(`/accounts/${id}/deposits`, { amount }), 400, 'VALIDATION_FAILED');
      }
      // 9007199254740993 is not representable: JSON.parse rounds it to 2^53, which is refused too.
      const raw = await bank.http
        .post(`/accounts/${id}/deposits`)
        .set(json)
        .send('{"amount": 9007199254740993}');
      expectError(raw, 400, 'VALIDATION_FAILED');
      expectError(
        await post(`/accounts/${id}/deposits`, { amount: 1, reference: 'r'.repeat(201) }),
        400,
        'VALIDATION_FAILED',
      );
      expectError(
        await post(`/accounts/${id}/deposits`, { amount: 1, accountId: 'other' }),
        400,
        'VALIDATION_FAILED',
      );
      expectError(
        await post('/transfers', { fromAccountId: id, toAccountId: 'x', amount: 0.1 }),
        400,
        'VALIDATION_FAILED',
      );
      await bank.client.quiescent([]); // the read models have seen every write above
      expect(await bank.client.statement(id)).toEqual([]);
    });

    it('400 VALIDATION_FAILED for malformed JSON; 413 for bodies over 64 KiB', async () => {
      expectError(
        await bank.http.post('/accounts').set(json).send('{"owner": "Ada",'),
        400,
        'VALIDATION_FAILED',
      );
      const big = JSON.stringify({ owner: 'Ada', currency: 'EUR', padding: 'x'.repeat(64 * 1024) });
      expectError(await bank.http.post('/accounts').set(json).send(big), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('rejects prototype-polluting bodies and pollutes nothing', async () => {
      const id = await open();
      const bodies = [
        '{"amount": 5, "__proto__": {"polluted": true}}',
        '{"amount": 5, "constructor": {"prototype": {"polluted": true}}}',
        '{"amount": 5, "constructor": {"polluted": true}}',
        '{"amount": 5, "prototype": {"polluted": true}}',
      ];
      for (const body of bodies) {
        expectError(
          await bank.http.post(`/accounts/${id}/deposits`).set(json).send(body),
          400,
          'VALIDATION_FAILED',
        );
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
      await bank.client.quiescent([]); // the read models have seen every write above
      expect(await bank.client.statement(id)).toEqual([]);
    });

    it('400 for a malformed X-Consistent-With or Idempotency-Key', async () => {
      const id = await open();
      expectError(
        await bank.http.get(`/accounts/${id}`).set('X-Consistent-With', 'not a position'),
        400,
        'VALIDATION_FAILED',
      );
      expectError(
        await post(`/accounts/${id}/deposits`, { amount: 1 }, 'has spaces'),
        400,
        'VALIDATION_FAILED',
      );
      expectError(
        await post(`/accounts/${id}/deposits`, { amount: 1 }, 'k'.repeat(201)),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('replays a POST with the same Idempotency-Key and body: first status and body, no second effect', async () => {
      const first = await post('/accounts', { owner: 'Idem', currency: 'EUR' }, 'open-idem-1');
      const again = await post('/accounts', { owner: 'Idem', currency: 'EUR' }, 'open-idem-1');
      expect([again.status, again.body]).toEqual([first.status, first.body]);
      const id = first.body.accountId as string;

      const deposits = await Promise.all(
        [1, 2, 3].map(() => post(`/accounts/${id}/deposits`, { amount: 40 }, 'dep-idem-1')),
      );
      expect(new Set(deposits.map((d) => JSON.stringify([d.status, d.body]))).size).toBe(1);
      expect(deposits[0].status).toBe(201);
      const body = { fromAccountId: id, toAccountId: await open('Bob'), amount: 10 };
      const transfer = await post('/transfers', body, 'tr-idem-1');
      const transferAgain = await post('/transfers', body, 'tr-idem-1');
      expect([transferAgain.status, transferAgain.body]).toEqual([202, transfer.body]);
      await bank.client.quiescent([transfer.body.transferId]);
      expect((await bank.client.statement(id)).map((e) => e.amount)).toEqual([40, -10]);
    });

    it('422 IDEMPOTENCY_KEY_REUSED for the same key with another body, even on another endpoint', async () => {
      const id = await open();
      expect((await post(`/accounts/${id}/deposits`, { amount: 5 }, 'reuse-1')).status).toBe(201);
      expectError(
        await post(`/accounts/${id}/deposits`, { amount: 6 }, 'reuse-1'),
        422,
        'IDEMPOTENCY_KEY_REUSED',
      );
      expectError(
        await post(`/accounts/${id}/withdrawals`, { amount: 5 }, 'reuse-1'),
        422,
        'IDEMPOTENCY_KEY_REUSED',
      );
      await bank.client.quiescent([]); // the read models have seen every write above
      expect((await bank.client.statement(id)).map((e) => e.amount)).toEqual([5]);
    });

    it('replays a refusal under the same key, even after the state changed', async () => {
      const id = await open();
      const refused = await post(`/accounts/${id}/withdrawals`, { amount: 30 }, 'refused-1');
      expectError(refused, 422, 'INSUFFICIENT_FUNDS');
      await post(`/accounts/${id}/deposits`, { amount: 100 });
      const again = await post(`/accounts/${id}/withdrawals`, { amount: 30 }, 'refused-1');
      expect([again.status, again.body]).toEqual([refused.status, refused.body]);
      await bank.client.quiescent([]); // the read models have seen every write above
      expect((await bank.client.statement(id)).map((e) => e.amount)).toEqual([100]);
    });

    it('rebuilds a projection on request (202) without changing what it serves; 404 for an unknown one', async () => {
      const id = await open('Rebuilt');
      await post(`/accounts/${id}/deposits`, { amount: 12 });
      await bank.client.quiescent([]);
      const before = [await bank.client.account(id), await bank.client.statement(id)];
      const started = await post('/admin/projections/accounts/rebuild');
      expect(started.status).toBe(202);
      expect(started.body).toEqual({ name: 'accounts', status: 'rebuilding' });
      await waitUntil(
        async () =>
          (await bank.client.projections()).find((p) => p.name === 'accounts')?.rebuild?.phase === 'done',
      );
      expect([await bank.client.account(id), await bank.client.statement(id)]).toEqual(before);
      expectError(await post('/admin/projections/nope/rebuild'), 404, 'NOT_FOUND');
      const processManager = await post('/admin/projections/transfer-process/rebuild');
      expectError(processManager, 400, 'VALIDATION_FAILED');
      expect(processManager.body.message).toMatch(/cannot be rebuilt/);
    });

    it('waits at most 5 s for X-Consistent-With, then answers 503 PROJECTION_WAIT_TIMEOUT', async () => {
      const projections = bank.app.get(Projections);
      const id = await open();
      await projections.stop('accounts'); // the read model stops following the log
      let position = '';
      try {
        position = (await post(`/accounts/${id}/deposits`, { amount: 5 })).body.position;
        const read = await bank.http.get(`/accounts/${id}`).set('X-Consistent-With', position);
        expectError(read, 503, 'PROJECTION_WAIT_TIMEOUT');
      } finally {
        await projections.start('accounts');
      }
      const caughtUp = await bank.http.get(`/accounts/${id}`).set('X-Consistent-With', position);
      expect(caughtUp.body).toMatchObject({ balance: 5, version: 2 });
    });

    it('lists projections with status and lag', async () => {
      const response = await bank.http.get('/admin/projections');
      expect(response.status).toBe(200);
      expect(response.body.map((p: { name: string }) => p.name)).toEqual([
        'accounts',
        'totals',
        'transfer-process',
        'transfers',
      ]);
      for (const p of response.body) expect(p).toMatchObject({ status: 'running', lag: expect.any(Number) });
    });
  });

  describe(`banking-ledger HTTP contract across a restart (${engine})`, () => {
    it('replays an idempotent POST after the service restarts on the same data', async () => {
      const deployment = await deployments();
      let bank = await deployment.start();
      const id = await bank.client.openAccount('Ada', 'EUR');
      const first = await bank.http
        .post(`/accounts/${id}/deposits`)
        .set('Idempotency-Key', 'restart-1')
        .send({ amount: 70 });
      await bank.close();
      bank = await deployment.start();
      try {
        const again = await bank.http
          .post(`/accounts/${id}/deposits`)
          .set('Idempotency-Key', 'restart-1')
          .send({ amount: 70 });
        expect([again.status, again.body]).toEqual([201, first.body]);
        const read = await bank.http.get(`/accounts/${id}`).set('X-Consistent-With', again.body.position);
        expect(read.body).toMatchObject({ balance: 70, version: 2 });
      } finally {
        await bank.close();
        await deployment.dispose();
      }
    });
  });

  describe(`banking-ledger HTTP contract without internal retries (${engine})`, () => {
    it('answers 409 CONCURRENCY_CONFLICT to racing commands once retries are used up, losing nothing acknowledged', async () => {
      // Two service instances on one deployment's data race for the same account, as two processes would.
      const deployment = await deployments();
      const env = { EVENTLINE_CONCURRENCY_RETRIES: '0' };
      const [a, b] = [await deployment.start(env), await deployment.start(env)];
      try {
        const id = await a.client.openAccount('Ada', 'EUR');
        const replies = await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            (i % 2 ? a : b).http.post(`/accounts/${id}/deposits`).send({ amount: 1 }),
          ),
        );
        const conflicts = replies.filter((r) => r.status === 409);
        expect(conflicts.length).toBeGreaterThan(0);
        for (const c of conflicts) expectError(c, 409, 'CONCURRENCY_CONFLICT');
        const acknowledged = replies.filter((r) => r.status === 201);
        expect(acknowledged.length + conflicts.length).toBe(40);
        // A token may name several positions: the read waits for all of them.
        const all = acknowledged.map((r) => r.body.position as string).join(',');
        const read = await a.http.get(`/accounts/${id}`).set('X-Consistent-With', all);
        expect(read.body.balance).toBe(acknowledged.length);
      } finally {
        await Promise.all([a.close(), b.close()]);
        await deployment.dispose();
      }
    });
  });
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('Condition not met in time.');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
