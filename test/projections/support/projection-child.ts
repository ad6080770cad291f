/**
 * One application process of the multi-process projection test: opens the shared log file and the
 * shared read-model database, runs the Balances projection as one member of its group, and reports
 * on stdout, one JSON object per line: `ready`, `started`, `status` every second, and `batch` whenever a new read-model transaction
 * starts applying records (so the parent can SIGKILL it in the middle of one). Each record takes
 * CHILD_WORK_MS inside the transaction. stdin "go" starts the runner, "stop" stops it and exits.
 */
import { createInterface } from 'node:readline';
import { DataSource, DataSourceOptions } from 'typeorm';
import { ProjectionRunner, ReadModelTransaction } from '@eventline/core';
import { SqliteEventLog } from '@eventline/sqlite';
import {
  ProjectionCheckpointEntity,
  ProjectionParkedEventEntity,
  TypeOrmReadModelStore,
} from '@eventline/typeorm';
import { AccountBalance, Balances } from './ledger';
import { serializer } from './ledger-fixture';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const name = env('CHILD_NAME');
const workMs = Number(env('CHILD_WORK_MS'));
const emit = (event: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify({ ...event, name, at: Date.now() })}\n`);
};

async function main(): Promise<void> {
  const log = SqliteEventLog.open({ file: env('CHILD_LOG_FILE') });
  const options = JSON.parse(env('CHILD_READ_MODEL')) as DataSourceOptions;
  const dataSource = await new DataSource({
    ...options,
    entities: [ProjectionCheckpointEntity, ProjectionParkedEventEntity, AccountBalance],
  } as DataSourceOptions).initialize();
  const projection = new Balances();
  let current: ReadModelTransaction | undefined;
  projection.beforeEach = async (ctx) => {
    if (ctx.transaction !== current) {
      current = ctx.transaction;
      emit({ event: 'batch', partition: ctx.partition, offset: ctx.offset });
    }
    await new Promise((r) => setTimeout(r, workMs));
  };
  const runner = new ProjectionRunner({
    projection,
    log,
    store: new TypeOrmReadModelStore(dataSource),
    serializer,
    batchSize: Number(env('CHILD_BATCH')),
    maxWaitMs: 50,
    sessionTimeoutMs: Number(env('CHILD_SESSION_TIMEOUT_MS')),
    heartbeatIntervalMs: Number(env('CHILD_HEARTBEAT_MS')),
    retryDelayMs: 20,
    maxRetries: 50,
  });
  emit({ event: 'ready' });
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() === 'go') {
      void runner.start().then(() => {
        emit({ event: 'started' });
        setInterval(
          () =>
            void runner.status().then((s) =>
              emit({
                event: 'status',
                partitions: s.partitions.length,
                lag: s.lag,
                state: s.state,
                error: s.lastError,
              }),
            ),
          1000,
        ).unref();
      });
      return;
    }
    if (line.trim() !== 'stop') return;
    void (async () => {
      await runner.stop();
      const status = await runner.status();
      if (status.lastError) emit({ event: 'error', message: status.lastError.message });
      await dataSource.destroy();
      await log.close();
      emit({ event: 'stopped' });
      process.exit(0);
    })();
  });
}

main().catch((error: Error) => {
  emit({ event: 'crashed', message: error.stack ?? error.message });
  process.exit(1);
});
