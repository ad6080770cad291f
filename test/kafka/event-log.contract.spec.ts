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
} else {
  describe.skip('EventLog contract: kafka (no broker, see the warning above)', () => it('needs Kafka', () => undefined));
}
