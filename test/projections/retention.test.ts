/** Projections on a topic whose old records retention deleted (SQLite log, retentionMs + clean()). */
import { randomUUID } from 'node:crypto';
import { ProjectionRebuild } from '@eventline/core';
import { Balances, Deposited, fold, history, LEDGER_TOPIC, LedgerEvent, Opened } from './support/ledger';
import { LedgerFixture, serializer } from './support/ledger-fixture';
import { caughtUp, until } from './read-model-store-contract';

const HOUR = 3_600_000;

/** Events of accounts that no later history touches, so the fold of what is left stays well defined. */
function gone(prefix: string, accounts: number): LedgerEvent[] {
  const events: LedgerEvent[] = [];
  for (let i = 0; i < accounts; i += 1) events.push(new Opened(`${prefix}-${i}`, `owner-${i}`));
  for (let i = 0; i < accounts; i += 1) events.push(new Deposited(`${prefix}-${i}`, 10 + i));
  return events;
}

async function appendAt(f: LedgerFixture, events: readonly LedgerEvent[], timestamp: number): Promise<void> {
  const records = events.map((event) => ({
    topic: LEDGER_TOPIC,
    key: event.accountId,
    ...serializer.serialize(event, {
      eventId: randomUUID(),
      type: '',
      schemaVersion: 1,
      aggregate: 'ledger',
      aggregateId: event.accountId,
      aggregateVersion: 1,
      timestamp,
      correlationId: randomUUID(),
      causationId: null,
      headers: {},
    }),
  }));
  await f.log.append({ records });
}

describe('projections after retention deleted the head of the log', () => {
  let f: LedgerFixture;

  beforeEach(() => {
    f = new LedgerFixture();
  });
  afterEach(() => f.close());

  async function createTopic(partitions: number): Promise<void> {
    await f.log.createTopics([{ name: LEDGER_TOPIC, partitions, config: { retentionMs: HOUR } }]);
  }

  it('starts a projection without a checkpoint at the earliest record left, and rebuilds from there', async () => {
    await createTopic(2);
    await appendAt(f, gone('gone', 8), Date.now() - 2 * HOUR);
    await f.log.clean(LEDGER_TOPIC);
    const begins = (await f.log.offsets(LEDGER_TOPIC)).map((o) => o.beginOffset);
    expect(begins.every((b) => b > 0)).toBe(true);
    const kept = history(6, 60);
    await appendAt(f, kept, Date.now());

    const runner = await f.runner({ batchSize: 16 });
    await runner.start();
    await caughtUp(runner, f);
    expect(await f.readModel()).toEqual(fold(kept));
    expect((await runner.status()).lastError).toBeNull();
    await runner.stop();

    await new ProjectionRebuild({
      projection: new Balances(),
      log: f.log,
      store: await f.store(),
      serializer,
    }).run();
    expect(await f.readModel()).toEqual(fold(kept));
  });

  it('fails with the partition and the gap when its checkpoint is below the log start, without retrying', async () => {
    await createTopic(1);
    const projected = gone('a', 4);
    await appendAt(f, projected, Date.now() - 2 * HOUR);
    const first = await f.runner({ batchSize: 16 });
    await first.start();
    await caughtUp(first, f);
    await first.stop();
    const [{ endOffset: checkpoint }] = await f.log.offsets(LEDGER_TOPIC);

    await appendAt(f, gone('b', 4), Date.now() - 2 * HOUR); // never projected, then deleted
    await appendAt(f, history(3, 10), Date.now());
    await f.log.clean(LEDGER_TOPIC);
    const [{ beginOffset }] = await f.log.offsets(LEDGER_TOPIC);
    expect(beginOffset).toBeGreaterThan(checkpoint);

    // A retry would wait a minute: reaching 'failed' within the timeout shows it gave up at once.
    const runner = await f.runner({ retryDelayMs: 60_000 });
    await runner.start();
    await until(async () => (await runner.status()).state === 'failed', 5_000);
    const { lastError } = await runner.status();
    expect(lastError?.code).toBe('PROJECTION_HISTORY_GAP');
    expect(lastError?.message).toContain(`${LEDGER_TOPIC}:0`);
    expect(lastError?.message).toContain(`checkpoint is at offset ${checkpoint}`);
    expect(lastError?.message).toContain(`log now starts at ${beginOffset}`);
    expect(await f.readModel()).toEqual(fold(projected));
  });
});
