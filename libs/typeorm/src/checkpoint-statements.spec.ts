import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { ProjectionCheckpoint } from '@eventline/core';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import { TypeOrmReadModelStore } from './typeorm-read-model-store';

/**
 * The checkpoint SQL is written by hand from the entity metadata: it must read and write exactly
 * what the entity maps, under a table prefix too (rebuilds use one for their shadow tables).
 */
describe('checkpoint statements', () => {
  let dir: string;
  let dataSource: DataSource;
  let store: TypeOrmReadModelStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eventline-checkpoints-'));
    dataSource = await new DataSource({
      type: 'better-sqlite3',
      database: join(dir, 'read.db'),
      entityPrefix: 'rb1_',
      entities: [ProjectionCheckpointEntity],
      synchronize: true,
    }).initialize();
    store = new TypeOrmReadModelStore(dataSource, { clock: () => 1_700_000_000_000 });
  });

  afterAll(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const save = fc.record({
    partition: fc.integer({ min: 0, max: 5 }),
    nextOffset: fc.integer({ min: 0, max: 2 ** 40 }),
    version: fc.integer({ min: 1, max: 3 }),
  });
  // One batch saves each of its partitions once (as applyBatchInTransaction does).
  const batch = fc.uniqueArray(save, { selector: (s) => s.partition, minLength: 1, maxLength: 6 });

  it('loads what the batches saved last, per partition, as the entity reads it too', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(batch, { maxLength: 8 }),
        fc.string({ minLength: 1, maxLength: 20 }),
        async (batches, name) => {
          await dataSource.getRepository(ProjectionCheckpointEntity).clear();
          const expected = new Map<number, ProjectionCheckpoint>();
          for (const saves of batches) {
            const checkpoints = saves.map((s) => ({ projection: name, topic: 't.events', ...s }));
            await store.transaction(async (tx) => {
              await tx.loadCheckpoints(name, checkpoints);
              await tx.saveCheckpoints(checkpoints);
            });
            for (const c of checkpoints) expected.set(c.partition, c);
          }
          const want = [...expected.values()].sort((a, b) => a.partition - b.partition);
          const byPartition = (a: ProjectionCheckpoint, b: ProjectionCheckpoint): number =>
            a.partition - b.partition;

          expect((await store.checkpoints(name)).sort(byPartition)).toEqual(want);
          const some = want.filter((c) => c.partition % 2 === 0);
          const loaded = await store.transaction((tx) => tx.loadCheckpoints(name, some));
          expect(loaded.sort(byPartition)).toEqual(some);
          const rows = await dataSource
            .getRepository(ProjectionCheckpointEntity)
            .find({ where: { projection: name } });
          expect(rows.sort(byPartition)).toEqual(want.map((c) => ({ ...c, updatedAt: 1_700_000_000_000 })));
          expect(await store.checkpoints(`${name}-other`)).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
