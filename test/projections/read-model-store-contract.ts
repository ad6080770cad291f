import { EntityManager } from 'typeorm';
import {
  applyProjectionBatch,
  ParkingLot,
  PartitionRecords,
  Projection,
  ProjectionRebuild,
  ProjectionRunner,
  ProjectionWaitTimeoutError,
  projectionDefinitionOf,
} from '@eventline/core';
import { Balances, Deposited, fold, history, LEDGER_TOPIC, Opened } from './support/ledger';
import { LedgerFixture, serializer } from './support/ledger-fixture';

const PARTITIONS = 4;

export async function until(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function caughtUp(runner: ProjectionRunner<EntityManager>, f: LedgerFixture): Promise<void> {
  const ends = await f.log.offsets(LEDGER_TOPIC);
  await runner.waitFor(
    ends.filter((o) => o.endOffset > 0).map((o) => ({ ...o, offset: o.endOffset - 1 })),
    15_000,
  );
}

/**
 * What every read-model store must do under a ProjectionRunner, on a real SQLite log: the same
 * suite runs on SQLite (projection-runner.test.ts) and PostgreSQL (postgres-store.test.ts).
 */
export function describeReadModelStore(label: string, fixture: () => Promise<LedgerFixture>): void {
  describe(`ProjectionRunner on a SQLite log with a ${label} read model`, () => {
    let f: LedgerFixture;

    beforeEach(async () => {
      f = await fixture();
      await f.createTopic(PARTITIONS);
    });

    afterEach(async () => {
      await f.close();
    });

    it('folds the whole history into the read model; unhandled event types are skipped but checkpointed', async () => {
      const events = history(12, 400);
      await f.append(events);
      const runner = await f.runner({ batchSize: 64 });
      await runner.start();
      await caughtUp(runner, f);

      expect(await f.readModel()).toEqual(fold(events));
      const status = await runner.status();
      expect(status).toMatchObject({ name: 'balances', state: 'running', lag: 0, lastError: null });
      expect(status.partitions).toHaveLength(PARTITIONS);
      expect(status.checkpoints).toEqual(status.endOffsets);
      // Group offsets (for log tools) follow, committed at the latest once the runner is idle.
      await until(async () => {
        const committed = await f.log.fetchOffsets('projection.balances', LEDGER_TOPIC);
        return (
          committed.every((c) => c.offset === status.checkpoints[`${LEDGER_TOPIC}:${c.partition}`]) &&
          committed.length === PARTITIONS
        );
      });
    });

    it('applies nothing twice when stopped mid-stream and restarted on a fresh connection', async () => {
      const events = history(10, 600, 11);
      await f.append(events);
      const first = await f.runner({ batchSize: 5 });
      await first.start();
      await until(async () => {
        const s = await first.status();
        return Object.values(s.checkpoints).some((c) => c > 0);
      });
      await first.stop();
      const applied = (await f.readModel()).reduce((n, r) => n + r.applied, 0);
      expect(applied).toBeLessThan(events.filter((e) => e.constructor.name !== 'Noted').length);

      const second = await f.runner({ batchSize: 50 });
      await second.start();
      await caughtUp(second, f);
      expect(await f.readModel()).toEqual(fold(events));
    });

    it('rolls a failing batch back whole and applies it once on retry', async () => {
      const events = history(6, 200, 3);
      await f.append(events);
      const projection = new Balances();
      projection.failOnce.add('0@5').add('2@9');
      const runner = await f.runner({ projection, batchSize: 20 });
      await runner.start();
      await caughtUp(runner, f);
      expect(projection.failOnce.size).toBe(0);
      expect(await f.readModel()).toEqual(fold(events));
    });

    it('ignores a redelivered batch: same records again change neither read model nor checkpoints', async () => {
      const events = history(8, 300, 5);
      await f.append(events);
      const store = await f.store();
      const runner = await f.runner({ store });
      await runner.start();
      await caughtUp(runner, f);
      await runner.stop();
      const before = await f.readModel();
      const checkpoints = await store.checkpoints('balances');

      const batch: PartitionRecords[] = [];
      for (let partition = 0; partition < PARTITIONS; partition += 1) {
        batch.push({ topic: LEDGER_TOPIC, partition, records: await f.log.read(LEDGER_TOPIC, partition, 0) });
      }
      const next = await applyProjectionBatch(
        new Balances(),
        projectionDefinitionOf(Balances),
        serializer,
        store,
        batch,
      );

      expect(await f.readModel()).toEqual(before);
      expect(await store.checkpoints('balances')).toEqual(checkpoints);
      for (const cp of checkpoints) expect(next.get(`${cp.topic}:${cp.partition}`)).toBe(cp.nextOffset);
    });

    it('splits the partitions between two runners of one group, which together build the same read model', async () => {
      const events = history(16, 800, 13);
      const half = Math.floor(events.length / 2);
      await f.append(events.slice(0, half));
      const a = await f.runner({ batchSize: 10, clientId: 'a' });
      const b = await f.runner({ batchSize: 10, clientId: 'b' });
      await a.start();
      await b.start();
      await f.append(events.slice(half));

      await until(async () => {
        const [sa, sb] = [await a.status(), await b.status()];
        return (
          sa.partitions.length > 0 &&
          sb.partitions.length > 0 &&
          sa.partitions.length + sb.partitions.length === PARTITIONS
        );
      });
      await caughtUp(a, f);

      const [sa, sb] = [await a.status(), await b.status()];
      const owned = [...sa.partitions, ...sb.partitions].map((p) => p.partition).sort();
      expect(owned).toEqual([0, 1, 2, 3]);
      expect(await f.readModel()).toEqual(fold(events));
      const group = await f.log.describeGroup('projection.balances');
      expect(group.members).toHaveLength(2);
    });

    it('hands the partitions of a runner that stops mid-stream to the other, applying nothing twice', async () => {
      const events = history(12, 900, 17);
      await f.append(events);
      const a = await f.runner({ batchSize: 3, clientId: 'a' });
      const b = await f.runner({ batchSize: 3, clientId: 'b' });
      await a.start();
      await b.start();
      await until(async () => (await a.status()).partitions.length < PARTITIONS);
      await until(async () => Object.values((await b.status()).checkpoints).some((c) => c > 0));
      await b.stop();

      await until(async () => (await a.status()).partitions.length === PARTITIONS);
      await caughtUp(a, f);
      expect(await f.readModel()).toEqual(fold(events));
      expect((await f.log.describeGroup('projection.balances')).members).toHaveLength(1);
    });

    it('waitFor resolves once the projection has passed the positions a write returned (read-your-writes)', async () => {
      const runner = await f.runner();
      await runner.start();
      await f.append([new Opened('rw-1', 'ann')]);
      const appended = await f.append([new Deposited('rw-1', 42)]);

      await runner.waitFor(appended, 5_000);
      expect(await f.readModel()).toEqual([{ id: 'rw-1', owner: 'ann', balance: 42, applied: 2 }]);

      const beyond = { ...appended[0], offset: appended[0].offset + 1000 };
      await expect(runner.waitFor([beyond], 100)).rejects.toBeInstanceOf(ProjectionWaitTimeoutError);
    });
  });

  describe('ProjectionRunner failures', () => {
    let f: LedgerFixture;

    beforeEach(async () => {
      f = new LedgerFixture();
      await f.createTopic(2);
    });

    afterEach(async () => {
      await f.close();
    });

    it('retries a handler that keeps failing, then reports state failed with the error; nothing of the batch is kept', async () => {
      await f.append(history(3, 10));
      const alwaysFailing = Object.assign(new Balances(), {
        opened: async () => {
          throw new Error('read model is down');
        },
      });
      const runner = await f.runner({ projection: alwaysFailing, maxRetries: 2 });
      await runner.start();
      await until(async () => (await runner.status()).state === 'failed');
      const status = await runner.status();
      expect(status.lastError).toEqual({
        code: 'PROJECTION_HANDLER_FAILED',
        message: expect.stringMatching(
          /failed on ledger\.opened at ledger\.events:\d@0 \(key acc-\d+\): read model is down/,
        ),
      });
      expect(await f.readModel()).toEqual([]);
    });

    it('fails at once when the checkpoints were written by another projection version', async () => {
      const events = history(3, 20);
      await f.append(events);
      const store = await f.store();
      const v1 = await f.runner({ store });
      await v1.start();
      await caughtUp(v1, f);
      await v1.stop();

      @Projection('balances', { topics: [LEDGER_TOPIC], version: 2 })
      class BalancesV2 extends Balances {}
      await f.append([new Deposited('acc-0', 1)]);
      const v2 = await f.runner({ store, projection: new BalancesV2(), maxRetries: 100 });
      await v2.start();
      await until(async () => (await v2.status()).state === 'failed', 2_000);
      expect((await v2.status()).lastError?.code).toBe('PROJECTION_VERSION_MISMATCH');
      expect(await f.readModel()).toEqual(fold(events));
    });

    it('rebuilds into shadow tables twice; each time the read model equals the live one row for row', async () => {
      const events = history(10, 300, 13);
      await f.append(events);
      const store = await f.store();
      const projection = new Balances();
      const runner = await f.runner({ store, projection });
      await runner.start();
      await caughtUp(runner, f);
      const live = await f.readModel();
      for (let i = 0; i < 2; i += 1) {
        const rebuild = new ProjectionRebuild({ projection, log: f.log, store, serializer, batchSize: 50 });
        await rebuild.run();
        expect(rebuild.progress()).toMatchObject({
          phase: 'done',
          processed: events.length,
          total: events.length,
        });
        expect(await f.readModel()).toEqual(live);
      }
      // The live runner goes on from the rebuilt checkpoints.
      const more = [new Deposited('acc-0', 5)];
      await f.append(more);
      await caughtUp(runner, f);
      expect(await f.readModel()).toEqual(fold([...events, ...more]));
      const used = (await f.log.offsets(LEDGER_TOPIC)).filter((o) => o.endOffset > 0).length;
      expect((await store.checkpoints('balances')).map((c) => c.version)).toEqual(Array(used).fill(1));
    });

    it('parks a poison record with the later records of its key, others go on; a retry applies them in order', async () => {
      const events = history(6, 200, 21);
      await f.append(events);
      const [poison] = await f.log.read(LEDGER_TOPIC, 1, 3, { maxRecords: 1 });
      const projection = new Balances();
      projection.failAlways.add(`1@${poison.offset}`);
      const store = await f.store();
      const runner = await f.runner({ store, projection, poison: 'park', maxRetries: 1, retryDelayMs: 1 });
      await runner.start();
      await caughtUp(runner, f);

      const parked = await store.parked('balances');
      expect(parked[0]).toMatchObject({
        partition: 1,
        offset: poison.offset,
        key: poison.key,
        reason: 'failed',
      });
      expect(parked.slice(1).every((p) => p.key === poison.key && p.reason === 'waiting')).toBe(true);
      const others = (rows: { id: string }[]) => rows.filter((r) => r.id !== poison.key);
      expect(others(await f.readModel())).toEqual(others(fold(events)));
      expect((await runner.status()).state).toBe('running');

      projection.failAlways.clear();
      const lot = new ParkingLot(
        { projection, definition: projectionDefinitionOf(projection), serializer },
        store,
        f.log,
      );
      expect(await lot.retry(parked[0])).toBe(parked.length);
      expect(await store.parked('balances')).toEqual([]);
      expect(await f.readModel()).toEqual(fold(events));
    });

    it('a rebuild after the fix replaces the model and forgets what the old one had parked', async () => {
      const events = history(6, 150, 23);
      await f.append(events);
      const [poison] = await f.log.read(LEDGER_TOPIC, 1, 1, { maxRecords: 1 });
      const projection = new Balances();
      projection.failAlways.add(`1@${poison.offset}`);
      const store = await f.store();
      const runner = await f.runner({ store, projection, poison: 'park', maxRetries: 0, retryDelayMs: 1 });
      await runner.start();
      await caughtUp(runner, f);
      expect((await store.parked('balances')).length).toBeGreaterThan(0);

      projection.failAlways.clear();
      await new ProjectionRebuild({ projection, log: f.log, store, serializer }).run();
      expect(await store.parked('balances')).toEqual([]);
      expect(await f.readModel()).toEqual(fold(events));
    });

    it('rebuilds one at a time across processes: a live claim refuses a second one, a stale claim is taken over', async () => {
      await f.append(history(4, 40, 31));
      let now = 1_000_000;
      const clock = (): number => now;
      const first = await f.store({ clock });
      const second = await f.store({ clock }); // another process's connection
      const definition = projectionDefinitionOf(Balances);
      const abandoned = await first.openShadow(definition);
      await expect(second.openShadow(definition)).rejects.toMatchObject({ code: 'REBUILD_IN_PROGRESS' });

      now += 31_000; // the first rebuilder went silent (crashed): its claim is stale
      const successor = await second.openShadow(definition);
      await successor.discard();
      const tables = async (): Promise<string[]> =>
        (
          await second.dataSource.query(
            second.dataSource.options.type === 'postgres'
              ? "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
              : "SELECT name FROM sqlite_master WHERE type = 'table'",
          )
        )
          .map((t: { name: string }) => t.name)
          .sort();
      // The successor dropped the crashed rebuilder's shadow tables, and its own on discard.
      expect(await tables()).toEqual([
        'account_balances',
        'projection_checkpoints',
        'projection_parked_events',
      ]);
      await abandoned.discard().catch(() => undefined);
      expect(await second.checkpoints('balances#rebuild')).toEqual([]);
    });
  });
}
