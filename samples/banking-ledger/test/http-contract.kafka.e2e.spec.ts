/**
 * The service's HTTP contract on Kafka (the log) + PostgreSQL (read models): the same suites as on
 * the embedded engine, each on a fresh Kafka namespace and a fresh database.
 */
import { describeKafka } from '../../../test/kafka/support/kafka-broker';
import { describePostgres } from '../../../test/projections/support/postgres-database';
import { kafkaDeployments } from './support/bank-deployment';
import { describeHttpContract } from './support/http-contract';

describePostgres('banking-ledger on Kafka + PostgreSQL', () => {
  describeKafka('HTTP contract', (brokers) => {
    jest.setTimeout(120_000);
    describeHttpContract('Kafka + PostgreSQL', kafkaDeployments(brokers));
  });
});
