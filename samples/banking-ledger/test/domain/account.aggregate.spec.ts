import fc from 'fast-check';
import { aggregateFixture } from '@eventline/testing';
import { Account } from '../../src/accounts/account.aggregate';
import {
  AccountClosed,
  AccountOpened,
  MoneyDeposited,
  MoneyWithdrawn,
  TransferReceived,
  TransferRefunded,
  TransferSent,
  TransferSettled,
} from '../../src/accounts/account.events';

const opened = (overdraftLimit = 0) => new AccountOpened('a-1', 'Ada', 'EUR', overdraftLimit);
const account = () => aggregateFixture(Account, { id: 'a-1' });

describe('Account', () => {
  it('opens with an owner, a currency and an overdraft limit', async () => {
    await account()
      .given()
      .when((a) => a.open('Ada', 'EUR', 500))
      .expectEvents(opened(500));
    await account()
      .given(opened())
      .when((a) => a.open('Ada', 'EUR', 0))
      .expectError({ code: 'ALREADY_OPEN' });
  });

  it('deposits and withdraws down to minus the overdraft limit, not below', async () => {
    const a = await account()
      .given(opened(50), new MoneyDeposited('a-1', 100, null))
      .when((a) => a.withdraw(150, 'rent'))
      .expectEvents(new MoneyWithdrawn('a-1', 150, 'rent'));
    expect(a.balance).toBe(-50);
    await account()
      .given(opened(50), new MoneyDeposited('a-1', 100, null))
      .when((a) => a.withdraw(151, null))
      .expectError({ code: 'INSUFFICIENT_FUNDS', kind: 'domain', details: { available: 150, amount: 151 } });
  });

  it('keeps balances exact: refuses a deposit past Number.MAX_SAFE_INTEGER', async () => {
    await account()
      .given(opened(), new MoneyDeposited('a-1', Number.MAX_SAFE_INTEGER - 1, null))
      .when((a) => a.deposit(2, null))
      .expectError({ code: 'BALANCE_LIMIT_EXCEEDED' });
  });

  it('closes only at a zero balance with no transfer in flight, then refuses every movement', async () => {
    await account()
      .given(opened(), new MoneyDeposited('a-1', 1, null))
      .when((a) => a.close())
      .expectError({ code: 'BALANCE_NOT_ZERO' });
    await account()
      .given(opened(), new MoneyDeposited('a-1', 5, null), new TransferSent('a-1', 't-1', 5))
      .when((a) => a.close())
      .expectError({ code: 'TRANSFERS_IN_FLIGHT', details: { transferIds: ['t-1'] } });
    await account()
      .given(
        opened(),
        new MoneyDeposited('a-1', 5, null),
        new TransferSent('a-1', 't-1', 5),
        new TransferSettled('a-1', 't-1'),
      )
      .when((a) => a.close())
      .expectEvents(new AccountClosed('a-1'));
    for (const move of [
      (a: Account) => a.deposit(1, null),
      (a: Account) => a.withdraw(1, null),
      (a: Account) => a.receiveTransfer('t-2', 1, 'EUR'),
      (a: Account) => a.close(),
    ]) {
      await account()
        .given(opened(10), new AccountClosed('a-1'))
        .when(move)
        .expectError({ code: 'ACCOUNT_CLOSED' });
    }
  });

  it('sends and receives transfers only in its own currency', async () => {
    await account()
      .given(opened(), new MoneyDeposited('a-1', 10, null))
      .when((a) => a.sendTransfer('t-1', 10, 'USD'))
      .expectError({ code: 'CURRENCY_MISMATCH' });
    await account()
      .given(opened())
      .when((a) => a.receiveTransfer('t-1', 10, 'USD'))
      .expectError({ code: 'CURRENCY_MISMATCH' });
    await account()
      .given(opened())
      .when((a) => a.receiveTransfer('t-1', 10, 'EUR'))
      .expectEvents(new TransferReceived('a-1', 't-1', 10));
  });

  it('refunds and settles a transfer in flight once; repeats record nothing', async () => {
    const sent = [opened(), new MoneyDeposited('a-1', 30, null), new TransferSent('a-1', 't-1', 20)];
    const refunded = await account()
      .given(...sent)
      .when((a) => a.refundTransfer('t-1'))
      .expectEvents(new TransferRefunded('a-1', 't-1', 20));
    expect(refunded).toMatchObject({ balance: 30, inFlight: [] });
    await account()
      .given(...sent, new TransferRefunded('a-1', 't-1', 20))
      .when((a) => {
        a.refundTransfer('t-1');
        a.settleTransfer('t-1');
      })
      .expectEvents();
    await account()
      .given(...sent)
      .when((a) => a.settleTransfer('t-1'))
      .expectEvents(new TransferSettled('a-1', 't-1'));
  });

  it('never goes below its limit and its balance is the sum of its movements, whatever is tried', async () => {
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('deposit' as const), amount: fc.integer({ min: 1, max: 1000 }) }),
      fc.record({ kind: fc.constant('withdraw' as const), amount: fc.integer({ min: 1, max: 1000 }) }),
      fc.record({ kind: fc.constant('send' as const), amount: fc.integer({ min: 1, max: 1000 }) }),
      fc.record({ kind: fc.constant('refund' as const), amount: fc.constant(0) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 500 }),
        fc.array(operation, { maxLength: 40 }),
        async (limit, ops) => {
          const a = new Account('a-1');
          a.open('Ada', 'EUR', limit);
          let sent = 0;
          for (const op of ops) {
            try {
              if (op.kind === 'deposit') a.deposit(op.amount, null);
              if (op.kind === 'withdraw') a.withdraw(op.amount, null);
              if (op.kind === 'send') a.sendTransfer(`t-${sent++}`, op.amount, 'EUR');
              if (op.kind === 'refund' && a.inFlight.length > 0) a.refundTransfer(a.inFlight[0].transferId);
            } catch (e) {
              expect(e).toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
            }
            expect(a.balance).toBeGreaterThanOrEqual(-limit);
          }
          const signed = a.uncommittedEvents.map((e) =>
            e instanceof MoneyDeposited || e instanceof TransferRefunded
              ? e.amount
              : e instanceof MoneyWithdrawn || e instanceof TransferSent
                ? -e.amount
                : 0,
          );
          expect(a.balance).toBe(signed.reduce((x, y) => x + y, 0));
        },
      ),
      { numRuns: 200 },
    );
  });
});
