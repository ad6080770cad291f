import { dirname, join } from 'path';
import { DataSource } from 'typeorm';
import { SqliteEventLog } from '@eventline/sqlite';
import { ProjectionCheckpointEntity } from '@eventline/typeorm';

/**
 * Read from the files of a stopped (or killed) service: how many records of `topic` projection
 * `name` had not committed yet — for the transfer process, the steps it still had to take.
 */
export async function unappliedRecords(file: string, name: string, topic: string): Promise<number> {
  const log = SqliteEventLog.open({ file });
  const end = (await log.offsets(topic)).reduce((sum, p) => sum + p.endOffset, 0);
  await log.close();
  const readModels = await new DataSource({
    type: 'better-sqlite3',
    database: join(dirname(file), 'bank.read-models.db'),
    entities: [ProjectionCheckpointEntity],
  }).initialize();
  try {
    const checkpoints = await readModels
      .getRepository(ProjectionCheckpointEntity)
      .findBy({ projection: name, topic });
    return end - checkpoints.reduce((sum, c) => sum + c.nextOffset, 0);
  } finally {
    await readModels.destroy();
  }
}
