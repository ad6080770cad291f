/** @eventline/kafka — the EventLog port on Apache Kafka 4.x (client: @platformatic/kafka). */
export { KafkaEventLog } from './kafka-event-log';
export { kafkaEngine } from './kafka-engine';
export type { KafkaEventLogOptions } from './kafka-event-log';
export type { TopicSettings } from './kafka-topics';
