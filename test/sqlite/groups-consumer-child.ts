/**
 * One consumer of the multi-process group test, run as its own OS process. It joins, heartbeats on
 * a timer (like Kafka's background heartbeat thread), and consumes its partitions from the
 * committed offset, committing after each batch. It reports on stdout, one JSON object per line:
 * what it was assigned and every batch it processed, BEFORE committing it, so the parent can
 * prove that no record was skipped even when this process is killed mid-batch.
 *
 * stdin: "go" starts consuming, "stop" leaves the group and exits.
 */
import { createInterface } from 'readline';
import { EventlineError, GroupAssignment, TopicPartition } from '@eventline/core';
import { SqliteEventLog } from '@eventline/sqlite';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const file = env('GROUPS_DB_FILE');
const groupId = env('GROUPS_GROUP_ID');
const topic = env('GROUPS_TOPIC');
const sessionTimeoutMs = Number(env('GROUPS_SESSION_TIMEOUT_MS'));
const heartbeatMs = Number(env('GROUPS_HEARTBEAT_MS'));
const batchSize = Number(env('GROUPS_BATCH'));
const workMs = Number(env('GROUPS_WORK_MS'));
const name = env('GROUPS_NAME');

const emit = (event: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify({ ...event, name, at: Date.now() })}\n`);
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const fencingCodes = new Set(['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'PARTITION_NOT_ASSIGNED']);

async function main(): Promise<void> {
  const log = SqliteEventLog.open({ file });
  let assignment: GroupAssignment = await log.joinGroup({
    groupId,
    topics: [topic],
    sessionTimeoutMs,
    clientId: name,
  });
  const adopt = (next: GroupAssignment): void => {
    assignment = next;
    emit({
      event: 'assigned',
      memberId: next.memberId,
      generation: next.generation,
      partitions: next.partitions,
    });
  };
  adopt(assignment);

  const refresh = async (): Promise<void> => {
    try {
      const hb = await log.heartbeat(groupId, assignment.memberId, assignment.generation);
      if (hb.rebalanced) adopt(hb);
    } catch (error) {
      if (!(error instanceof EventlineError) || error.code !== 'UNKNOWN_MEMBER_ID') throw error;
      // Our session expired (a stall longer than the timeout): come back as the same member.
      adopt(
        await log.joinGroup({
          groupId,
          memberId: assignment.memberId,
          topics: [topic],
          sessionTimeoutMs,
          clientId: name,
        }),
      );
    }
  };
  const heartbeats = setInterval(
    () => void refresh().catch((e) => emit({ event: 'error', message: String(e) })),
    heartbeatMs,
  );

  let started = false;
  let stopping = false;
  const commands = createInterface({ input: process.stdin });
  commands.on('line', (line) => {
    if (line.trim() === 'go') started = true;
    if (line.trim() === 'stop') stopping = true;
  });

  while (!stopping) {
    if (!started) {
      await sleep(20);
      continue;
    }
    let processed = 0;
    for (const tp of assignment.partitions) {
      if (stopping) break;
      const outcome = await consumeBatch(log, tp);
      if (outcome === 'fenced') {
        await refresh();
        break;
      }
      processed += outcome;
    }
    if (processed === 0) await sleep(50);
  }
  clearInterval(heartbeats);
  await log.leaveGroup(groupId, assignment.memberId);
  await log.close();
  emit({ event: 'left' });
  // The parent keeps our stdin open; without this the process would never end.
  commands.close();
  process.stdin.destroy();

  async function consumeBatch(log: SqliteEventLog, tp: TopicPartition): Promise<number | 'fenced'> {
    const { generation, memberId } = assignment;
    const committed =
      (await log.fetchOffsets(groupId, topic)).find((c) => c.partition === tp.partition)?.offset ?? 0;
    const records = await log.read(topic, tp.partition, committed, { maxRecords: batchSize });
    if (records.length === 0) return 0;
    emit({ event: 'processed', partition: tp.partition, generation, offsets: records.map((r) => r.offset) });
    await sleep(workMs);
    try {
      const next = records[records.length - 1].offset + 1;
      await log.commitOffsets(groupId, memberId, generation, [
        { topic, partition: tp.partition, offset: next },
      ]);
      emit({ event: 'committed', partition: tp.partition, generation, offset: next });
      return records.length;
    } catch (error) {
      if (!(error instanceof EventlineError) || !fencingCodes.has(error.code)) throw error;
      // Someone else may own the partition now: drop the batch, it will be read again by its owner.
      emit({ event: 'fenced', partition: tp.partition, generation, code: error.code });
      return 'fenced';
    }
  }
}

main().catch((error) => {
  emit({ event: 'crashed', message: String(error?.stack ?? error) });
  process.exit(1);
});
