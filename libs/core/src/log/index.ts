export * from './topic';
export * from './record';
export * from './consumer-group';
export * from './event-log';
export { murmur2, toPositive } from './murmur2';
export { Partitioner, partitionForKey } from './partitioner';
export * from './assignors';
