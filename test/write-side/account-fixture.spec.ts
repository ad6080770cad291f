import { aggregateFixture } from '@eventline/testing';
import { Account, AccountOpened, Deposited, InsufficientFundsError, Withdrawn } from './bank/account';

describe('Account (given/when/then)', () => {
  const fixture = () => aggregateFixture(Account, { id: 'a-1' });

  it('opens an account', async () => {
    await fixture()
      .given()
      .when((a) => a.open('ada', 'EUR'))
      .expectEvents(new AccountOpened('a-1', 'ada', 'EUR'));
  });

  it('withdraws within the balance', async () => {
    const account = await fixture()
      .given(new AccountOpened('a-1', 'ada', 'EUR'), new Deposited('a-1', 100, 'EUR'))
      .when((a) => a.withdraw(30))
      .expectEvents(new Withdrawn('a-1', 30));
    expect(account.balance).toBe(70);
    expect(account.version).toBe(3);
  });

  it('refuses to overdraw, recording nothing', async () => {
    await fixture()
      .given(new AccountOpened('a-1', 'ada', 'EUR'), new Deposited('a-1', 10, 'EUR'))
      .when((a) => a.withdraw(30))
      .expectError({ code: 'INSUFFICIENT_FUNDS', kind: 'domain', details: { balance: 10, amount: 30 } });
    await fixture()
      .given(new AccountOpened('a-1', 'ada', 'EUR'))
      .when((a) => a.withdraw(1))
      .expectError(InsufficientFundsError);
  });

  it('fails with a readable diff when the events differ', async () => {
    const failure = fixture()
      .given(new AccountOpened('a-1', 'ada', 'EUR'))
      .when((a) => a.deposit(5))
      .expectEvents(new Deposited('a-1', 6, 'EUR'));
    await expect(failure).rejects.toThrow(/"amount": 6[\s\S]*"amount": 5|amount/);
  });

  it('fails when an error was expected but events were recorded', async () => {
    await expect(
      fixture()
        .given(new AccountOpened('a-1', 'ada', 'EUR'))
        .when((a) => a.deposit(5))
        .expectError({ code: 'INSUFFICIENT_FUNDS' }),
    ).rejects.toThrow(/Expected an error, but the decision recorded/);
  });
});
