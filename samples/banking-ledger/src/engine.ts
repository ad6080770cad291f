import { EventlineEngine } from '@eventline/core';
import { sqliteEngine } from '@eventline/sqlite';
import { BankConfig } from './config';

/** The log engine chosen by EVENTLINE_ENGINE; the application code above it is the same for both. */
export function engineFor(config: BankConfig): EventlineEngine {
  if (config.engine === 'sqlite') return sqliteEngine({ file: config.sqliteFile });
  return { open: async () => (await kafkaEngine(config)).open() };
}

const KAFKA_PACKAGE = '@eventline/kafka';

type KafkaEngineFactory = (options: {
  brokers: readonly string[];
  transactionalId: string;
  clientId: string;
}) => EventlineEngine;

// Loaded only when chosen, so the embedded default needs nothing of Kafka.
async function kafkaEngine(config: BankConfig): Promise<EventlineEngine> {
  let factory: KafkaEngineFactory | undefined;
  try {
    factory = ((await import(KAFKA_PACKAGE)) as { kafkaEngine?: KafkaEngineFactory }).kafkaEngine;
  } catch (error) {
    throw new Error(
      `EVENTLINE_ENGINE=kafka: ${KAFKA_PACKAGE} could not be loaded (${(error as Error).message}). Use the embedded engine (EVENTLINE_ENGINE=sqlite) meanwhile.`,
    );
  }
  if (typeof factory !== 'function') {
    throw new Error(
      `EVENTLINE_ENGINE=kafka: this build of ${KAFKA_PACKAGE} has no kafkaEngine(). Use the embedded engine (EVENTLINE_ENGINE=sqlite) meanwhile.`,
    );
  }
  // Every instance of this service shares one write lease (transactional id): the lease is what
  // makes their optimistic-concurrency checks exclusive. Other applications use their own.
  return factory({
    brokers: config.kafkaBrokers,
    transactionalId: 'banking-ledger-writer',
    clientId: `banking-ledger-${process.pid}`,
  });
}
