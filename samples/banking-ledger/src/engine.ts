import { EventlineEngine } from '@eventline/core';
import { kafkaEngine } from '@eventline/kafka';
import { sqliteEngine } from '@eventline/sqlite';
import { BankConfig } from './config';

/** The log engine chosen by EVENTLINE_ENGINE; the application code above it is the same for both. */
export function engineFor(config: BankConfig): EventlineEngine {
  if (config.engine === 'sqlite') return sqliteEngine({ file: config.sqliteFile });
  // Every instance of this service shares one write lease (transactional id): the lease is what
  // makes their optimistic-concurrency checks exclusive. Other applications use their own. A
  // namespace keeps topics, groups and the lease apart from other deployments on the same cluster.
  return kafkaEngine({
    brokers: config.kafkaBrokers,
    namespace: config.kafkaNamespace,
    transactionalId: 'banking-ledger-writer',
    clientId: `banking-ledger-${process.pid}`,
  });
}
