import { EventlineEngine } from '@eventline/core';
import { KafkaEventLog, KafkaEventLogOptions } from './kafka-event-log';

/**
 * The Apache Kafka engine for `EventlineModule.forRoot({ engine: kafkaEngine({ brokers }) })`,
 * a drop-in for `sqliteEngine`: application code does not change. The module opens the log at
 * start-up and closes it on shutdown.
 *
 * @example
 * EventlineModule.forRoot({ engine: kafkaEngine({ brokers: process.env.KAFKA_BROKERS! }) });
 */
export function kafkaEngine(options: KafkaEventLogOptions): EventlineEngine {
  return { open: () => KafkaEventLog.open(options) };
}
