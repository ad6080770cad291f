/**
 * Child of close.test.ts: opens a log, starts a long-polling read on an empty partition, closes the
 * log while the read waits, and then simply ends its script. It exits only if close() left no socket open.
 */
import { KafkaEventLog } from '@eventline/kafka';

async function main(): Promise<void> {
  const [brokers, namespace] = process.argv.slice(2);
  const log = await KafkaEventLog.open({ brokers, namespace });
  await log.createTopics([{ name: 'idle', partitions: 1 }]);
  await log.read('idle', 0, 0); // metadata known: the next read goes straight to its long poll
  const waiting = log.read('idle', 0, 0, { maxWaitMs: 20_000 }).catch(() => []);
  await new Promise((resolve) => setTimeout(resolve, 1_500)); // the long poll waits at the broker now
  await log.close();
  await waiting;
  process.send?.('closed');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
