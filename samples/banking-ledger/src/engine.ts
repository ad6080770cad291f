import { EventlineEngine } from '@eventline/core';
import { sqliteEngine } from '@eventline/sqlite';
import { BankConfig } from './config';

/** The log engine chosen by EVENTLINE_ENGINE; the application code above it is the same for both. */
export function engineFor(config: BankConfig): EventlineEngine {
  if (config.engine === 'sqlite') return sqliteEngine({ file: config.sqliteFile });
  return { open: async () => (await kafkaEngine(config)).open() };
}

const KAFKA_PACKAGE = '@eventline/kafka';

// Loaded only when chosen, so the embedded default needs nothing of Kafka.
async function kafkaEngine(config: BankConfig): Promise<EventlineEngine> {
  const kafka = (await import(KAFKA_PACKAGE).catch(() => ({}))) as {
    kafkaEngine?: (options: {
      brokers: readonly string[];
      transactionalId: string;
      clientId: string;
    }) => EventlineEngine;
  };
  if (typeof kafka.kafkaEngine !== 'function') {
    throw new Error(
      'EVENTLINE_ENGINE=kafka: this build of @eventline/kafka has no kafkaEngine() yet. Use the embedded engine (EVENTLINE_ENGINE=sqlite).',
    );
  }
  // Every instance of this service shares one write lease (transactional id): the lease is what
  // makes their optimistic-concurrency checks exclusive. Other applications use their own.
  return kafka.kafkaEngine({
    brokers: config.kafkaBrokers,
    transactionalId: 'banking-ledger-writer',
    clientId: `banking-ledger-${process.pid}`,
  });
}
