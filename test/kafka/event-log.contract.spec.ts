import { KafkaEventLog } from '@eventline/kafka';
import { describeEventLogContract } from '../contract/event-log-contract';
import { cleanKafkaTopic } from './support/kafka-cleaner';
import { requireKafka } from './support/kafka-broker';

const brokers = requireKafka('EventLog contract: kafka');

if (brokers) {
  jest.setTimeout(120_000);
  describeEventLogContract('kafka', {
    open: async () => KafkaEventLog.open({ brokers, transactionalId: `eventline-contract-${process.pid}` }),
    clean: (log, topic) => cleanKafkaTopic(log, topic, brokers),
  });
  // The same contract through a namespace: every name is prefixed in Kafka, never seen by the log's user.
  const namespace = `contract-ns-${process.pid}-${Date.now().toString(36)}`;
  describeEventLogContract('kafka (namespaced)', {
    open: async () => KafkaEventLog.open({ brokers, namespace }),
    clean: (log, topic) => cleanKafkaTopic(log, topic, brokers, namespace),
  });
} else {
  describe.skip('EventLog contract: kafka (no broker, see the warning above)', () => it('needs Kafka', () => undefined));
}
