import { EventLog, ReadOptions, UnavailableError } from '@eventline/core';
import { LedgerFixture } from './support/ledger-fixture';
import { fold, history } from './support/ledger';

/**
 * A backend outage is not a poison record: while the log cannot be read (UnavailableError, e.g. a
 * Kafka broker restarting), the runner waits and retries without end, then goes on where it was.
 */
describe('projection runner during a log outage', () => {
  let fixture: LedgerFixture;
  afterEach(() => fixture.close());

  it('keeps retrying reads that fail with BACKEND_UNAVAILABLE past maxRetries, then catches up exactly', async () => {
    fixture = new LedgerFixture();
    await fixture.createTopic();
    let down = false;
    // The real log, whose reads fail while `down` (what a stopped broker looks like through the port).
    const log = new Proxy(fixture.log, {
      get(target, property, receiver) {
        if (property !== 'read') return Reflect.get(target, property, receiver) as unknown;
        return (topic: string, partition: number, offset: number, options?: ReadOptions) => {
          if (down) return Promise.reject(new UnavailableError('The broker is restarting (test outage).'));
          return target.read(topic, partition, offset, options);
        };
      },
    }) as EventLog;
    const runner = await fixture.runner({ log, maxRetries: 2, retryDelayMs: 10 });
    await runner.start();
    const events = history(6, 120);
    await fixture.append(events.slice(0, 60));
    await until(async () => (await fixture.readModel()).length > 0 && (await runner.status()).lag === 0);

    down = true;
    await fixture.append(events.slice(60));
    // Far more failed reads than maxRetries (2) allows for a failing handler.
    await until(async () => (await runner.status()).lastError?.code === 'BACKEND_UNAVAILABLE');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await runner.status()).state).toBe('running');

    down = false;
    await until(async () => (await runner.status()).lag === 0);
    expect(await fixture.readModel()).toEqual(fold(events));
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('Timed out.');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
