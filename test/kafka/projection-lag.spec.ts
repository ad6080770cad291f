/**
 * A projection on Kafka catches up to lag 0. Every append is a transaction whose commit marker
 * takes an offset after the last record, so "last record + 1" is never the end offset: the runner
 * must move past offsets that hold no record, or it reports lag (and Kafka's tools show it) for ever.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EntityManager } from 'typeorm';
import { AppendedRecord, ProjectionRunner } from '@eventline/core';
import { KafkaEventLog } from '@eventline/kafka';
import { ProjectionCheckpointEntity, ProjectionParkedEventEntity, TypeOrmReadModelStore } from '@eventline/typeorm';
import { AccountBalance, Balances, Deposited, LEDGER_TOPIC, Opened } from '../projections/support/ledger';
import { serializer } from '../projections/support/ledger-fixture';
import { describeKafka } from './support/kafka-broker';

describeKafka('projection lag on Kafka', (brokers) => {
  jest.setTimeout(90_000);
  const dir = mkdtempSync(join(tmpdir(), 'eventline-kafka-lag-'));
  let log: KafkaEventLog;
  let dataSource: DataSource;
  let runner: ProjectionRunner<EntityManager> | undefined;

  beforeAll(async () => {
    log = await KafkaEventLog.open({ brokers, namespace: `lag-${process.pid}-${Date.now().toString(36)}` });
    await log.createTopics([{ name: LEDGER_TOPIC, partitions: 3 }]);
    dataSource = await new DataSource({
      type: 'better-sqlite3',
      database: join(dir, 'read.db'),
      entities: [ProjectionCheckpointEntity, ProjectionParkedEventEntity, AccountBalance],
      synchronize: true,
    }).initialize();
  });
  afterAll(async () => {
    await runner?.stop();
    await log?.close();
    if (dataSource?.isInitialized) await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reaches lag 0, and commits the end offsets as group offsets, once it has applied everything', async () => {
    runner = new ProjectionRunner<EntityManager>({
      projection: new Balances(),
      log,
      store: new TypeOrmReadModelStore(dataSource),
      serializer,
      maxWaitMs: 200,
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 100,
      retryDelayMs: 10,
      offsetCommitIntervalMs: 0, // group offsets committed after every batch: the last one lands on a commit marker
    });
    await runner.start();
    const appended: AppendedRecord[] = [];
    // One transaction per append: a commit marker after each.
    for (const [i, id] of ['a', 'b', 'c', 'd', 'e', 'f'].entries()) {
      appended.push(...(await append(id, 1, new Opened(id, `owner-${id}`))));
      appended.push(...(await append(id, 2, new Deposited(id, 10 * (i + 1)))));
    }
    await runner.waitFor(appended, 30_000);

    const deadline = Date.now() + 20_000;
    let status = await runner.status();
    while (status.lag > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await runner.status();
    }
    expect(status.lag).toBe(0);
    expect(status.checkpoints).toEqual(status.endOffsets);
    expect(await dataSource.getRepository(AccountBalance).count()).toBe(6);

    // What Kafka's tools (kafka-consumer-groups --describe) show: the group's committed offsets at the end too.
    await runner.stop();
    const committed = Object.fromEntries((await log.fetchOffsets('projection.balances')).map((o) => [`${o.topic}:${o.partition}`, o.offset]));
    const ends = Object.fromEntries((await log.offsets(LEDGER_TOPIC)).map((o) => [`${o.topic}:${o.partition}`, o.endOffset]));
    expect(committed).toEqual(ends);
  });

  async function append(id: string, version: number, event: object): Promise<readonly AppendedRecord[]> {
    const serialized = serializer.serialize(event, {
      eventId: randomUUID(),
      type: '',
      schemaVersion: 1,
      aggregate: 'ledger',
      aggregateId: id,
      aggregateVersion: version,
      timestamp: Date.now(),
      correlationId: randomUUID(),
      causationId: null,
      headers: {},
    });
    return (await log.append({ records: [{ topic: LEDGER_TOPIC, key: id, ...serialized }] })).records;
  }
});
