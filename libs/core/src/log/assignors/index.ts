export { RangeAssignor } from './range-assignor';
export { RoundRobinAssignor } from './round-robin-assignor';
export { StickyAssignor } from './sticky-assignor';
export { ASSIGNOR_NAMES, assignorFor, isAssignorName } from './assignor-for';
export { compareTopicPartitions } from './partition-order';
