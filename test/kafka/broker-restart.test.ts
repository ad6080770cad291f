/**
 * The Kafka engine across a broker restart (libs/kafka/DESIGN.md, "Failure analysis"): on a broker
 * of this suite's own, appends go on while the broker stops and starts again on the same data.
 * Every acknowledged append is there afterwards; every other one failed with BACKEND_UNAVAILABLE
 * and its outcome is read back before a retry, as a client must; consumer groups work again.
 */
import { EventlineError, UnknownMemberError } from '@eventline/core';
import { KafkaEventLog } from '@eventline/kafka';
import { DedicatedBroker, dedicatedBrokerUnavailable } from './support/dedicated-broker';
import { isQuarantined } from './support/quarantine';

const SUITE = 'Kafka engine: broker restart';
const KEYS = 4;
const TOPIC = 'restart.events';
const GROUP = 'restart-members';

const noBroker = dedicatedBrokerUnavailable(SUITE);

(noBroker ? describe.skip : describe)(SUITE, () => {
  jest.setTimeout(300_000);
  let broker: DedicatedBroker | undefined;
  const logs: KafkaEventLog[] = [];
  const open = async (): Promise<KafkaEventLog> => {
    const log = await KafkaEventLog.open({ brokers: broker!.brokers, transactionalId: 'restart-writer' });
    logs.push(log);
    await log.createTopics([{ name: TOPIC, partitions: 4, keyIndex: true }]).catch((error: unknown) => {
      if ((error as EventlineError).code !== 'TOPIC_ALREADY_EXISTS') throw error;
    });
    return log;
  };
  beforeAll(async () => {
    broker = await DedicatedBroker.start();
  }, 180_000);
  afterAll(async () => {
    await Promise.all(logs.map((log) => log.close().catch(() => undefined)));
    await broker?.dispose();
  }, 120_000);

  it('on a new cluster, the first group join waits for the group coordinator instead of failing', async () => {
    const log = await open();
    // The first joins create __consumer_offsets: its partitions' coordinators answer NOT_COORDINATOR
    // until they are loaded. Several groups at once, as an application's projections start.
    const members = await Promise.all(
      Array.from({ length: 8 }, (_, i) => log.joinGroup({ groupId: `new-cluster-${i}`, topics: [TOPIC] })),
    );
    expect(members.map((m) => m.partitions.length)).toEqual(members.map(() => 4));
  });

  // Open bug (issue #6): about 1 run in 10 an append in flight at the stop fails yet commits, and its
  // retry (expecting the version read back) commits the same value again: a duplicate keyVersion.
  const duplicateBug =
    'an append in flight at the stop can fail yet commit, and its retry commit again (duplicate keyVersion; issue #6)';
  (isQuarantined(`${SUITE}: acknowledged appends`, duplicateBug) ? it.skip : it)(
    'keeps every acknowledged append and fails the others retryably; groups work again after the restart',
    async () => {
      const log = await open();
      const member = await log.joinGroup({ groupId: GROUP, topics: [TOPIC] });
      const acknowledged = new Map<string, { offset: number; partition: number; value: string }>();
      const failures: unknown[] = [];
      let restart: Promise<void> | undefined;
      let restarted = false;
      let restartFailure: unknown;
      let afterRestart = 0;

      // One writer per key, each appending version after version with an expectation, until the
      // broker has been restarted and 20 more appends per key went through.
      const writer = async (k: number): Promise<void> => {
        const key = `acc-${k}`;
        let version = 0;
        while (restartFailure === undefined && (!restarted || afterRestart < 20 * KEYS)) {
          const value = `${key}#${version + 1}`;
          try {
            const { records } = await log.append({
              records: [{ topic: TOPIC, key, value: Buffer.from(value) }],
              expectations: [{ topic: TOPIC, key, version }],
            });
            version = records[0].keyVersion!;
            acknowledged.set(value, { offset: records[0].offset, partition: records[0].partition, value });
            if (restarted) afterRestart += 1;
            if (acknowledged.size === 40)
              restart = broker!
                .stop()
                .then(() => broker!.restart())
                .then(
                  () => void (restarted = true),
                  (error: unknown) => void (restartFailure = error),
                );
          } catch (error) {
            failures.push(error);
            // Unknown outcome: read back before retrying (the stream tells whether it was stored).
            version = await streamLength(log, key);
          }
        }
      };
      await Promise.all(Array.from({ length: KEYS }, (_, k) => writer(k)));
      await restart;
      if (restartFailure !== undefined) throw restartFailure;

      // Appends in flight during the outage either wait for the broker or fail, retryably.
      for (const failure of failures) {
        expect(failure).toBeInstanceOf(EventlineError);
        expect((failure as EventlineError).code).toBe('BACKEND_UNAVAILABLE');
      }
      // Each stream: versions 1..n with no gap and no duplicate; every acknowledged append is in it, at its offset.
      const fresh = await open();
      for (let k = 0; k < KEYS; k++) {
        const stream = await fresh.readKey(TOPIC, `acc-${k}`);
        expect(stream.map((r) => r.keyVersion)).toEqual(stream.map((_, i) => i + 1));
        expect(stream.map((r) => r.value!.toString())).toEqual(stream.map((_, i) => `acc-${k}#${i + 1}`));
      }
      for (const { partition, offset, value } of acknowledged.values()) {
        const [record] = await fresh.read(TOPIC, partition, offset, { maxRecords: 1 });
        expect({ offset: record?.offset, value: record?.value?.toString() }).toEqual({ offset, value });
      }

      // The member from before the restart heartbeats again (or learns it must rejoin) and commits.
      const deadline = Date.now() + 60_000;
      let current = member;
      for (;;) {
        try {
          current = { ...current, ...(await log.heartbeat(GROUP, current.memberId, current.generation)) };
          break;
        } catch (error) {
          if (error instanceof UnknownMemberError) {
            current = await log.joinGroup({ groupId: GROUP, topics: [TOPIC] });
            break;
          }
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
      await log.commitOffsets(GROUP, current.memberId, current.generation, [
        { topic: TOPIC, partition: 0, offset: 1 },
      ]);
      expect(await log.fetchOffsets(GROUP, TOPIC)).toContainEqual(
        expect.objectContaining({ partition: 0, offset: 1 }),
      );
    },
  );
});

/** The number of records of `key`, read again until the broker answers. */
async function streamLength(log: KafkaEventLog, key: string): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stream = await log.readKey(TOPIC, key).catch((error: unknown) => {
      if (Date.now() > deadline) throw error;
    });
    if (stream) return stream.length;
  }
}
