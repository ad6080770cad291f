import { aggregateFixture } from '@eventline/testing';
import { Transfer } from '../../src/transfers/transfer.aggregate';
import {
  TransferCompleted,
  TransferCreditRefused,
  TransferDebited,
  TransferFailed,
  TransferRequested,
} from '../../src/transfers/transfer.events';

const requested = new TransferRequested('t-1', 'a-1', 'a-2', 100, 'EUR', 'rent');
const transfer = () => aggregateFixture(Transfer, { id: 't-1' });

describe('Transfer', () => {
  it('is requested between two different accounts', async () => {
    await transfer()
      .given()
      .when((t) => t.request('a-1', 'a-2', 100, 'EUR', 'rent'))
      .expectEvents(requested);
    await transfer()
      .given()
      .when((t) => t.request('a-1', 'a-1', 100, 'EUR', null))
      .expectError({ code: 'SAME_ACCOUNT', kind: 'domain' });
    await transfer()
      .given(requested)
      .when((t) => t.request('a-1', 'a-2', 100, 'EUR', 'rent'))
      .expectError({ code: 'ALREADY_REQUESTED' });
  });

  it('goes requested → debited → completed', async () => {
    await transfer()
      .given(requested)
      .when((t) => t.markDebited())
      .expectEvents(new TransferDebited('t-1'));
    const done = await transfer()
      .given(requested, new TransferDebited('t-1'))
      .when((t) => t.complete())
      .expectEvents(new TransferCompleted('t-1'));
    expect(done.stage).toBe('completed');
  });

  it('fails when the debit is refused, or after a refused credit', async () => {
    await transfer()
      .given(requested)
      .when((t) => t.fail('INSUFFICIENT_FUNDS'))
      .expectEvents(new TransferFailed('t-1', 'INSUFFICIENT_FUNDS'));
    await transfer()
      .given(requested, new TransferDebited('t-1'))
      .when((t) => t.refuseCredit('ACCOUNT_CLOSED'))
      .expectEvents(new TransferCreditRefused('t-1', 'ACCOUNT_CLOSED'));
    const failed = await transfer()
      .given(requested, new TransferDebited('t-1'), new TransferCreditRefused('t-1', 'ACCOUNT_CLOSED'))
      .when((t) => t.fail('ACCOUNT_CLOSED'))
      .expectEvents(new TransferFailed('t-1', 'ACCOUNT_CLOSED'));
    expect(failed).toMatchObject({ stage: 'failed', reason: 'ACCOUNT_CLOSED' });
  });

  it('ignores steps that do not fit its stage, so a step repeated after a crash records nothing', async () => {
    await transfer()
      .given(requested, new TransferDebited('t-1'), new TransferCompleted('t-1'))
      .when((t) => {
        t.markDebited();
        t.complete();
        t.refuseCredit('ACCOUNT_CLOSED');
        t.fail('ACCOUNT_CLOSED');
      })
      .expectEvents();
    // A debited transfer cannot fail without its refund having been decided first.
    await transfer()
      .given(requested, new TransferDebited('t-1'))
      .when((t) => t.fail('X'))
      .expectEvents();
  });
});
