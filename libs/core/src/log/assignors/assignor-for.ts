import { InvalidConfigError } from '../../errors';
import { AssignorName, PartitionAssignor } from '../consumer-group';
import { RangeAssignor } from './range-assignor';
import { RoundRobinAssignor } from './round-robin-assignor';
import { StickyAssignor } from './sticky-assignor';

const ASSIGNORS: Readonly<Record<AssignorName, PartitionAssignor>> = Object.freeze({
  range: new RangeAssignor(),
  roundrobin: new RoundRobinAssignor(),
  sticky: new StickyAssignor(),
});

export const ASSIGNOR_NAMES = Object.freeze(Object.keys(ASSIGNORS) as AssignorName[]);

export function isAssignorName(name: unknown): name is AssignorName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(ASSIGNORS, name);
}

/**
 * The assignor a group names (Kafka's `partition.assignment.strategy`), or InvalidConfigError.
 *
 * @example
 * const assignment = assignorFor('sticky').assign(memberIds, partitions, previous);
 */
export function assignorFor(name: string): PartitionAssignor {
  if (isAssignorName(name)) return ASSIGNORS[name];
  throw new InvalidConfigError(
    `Unknown partition assignor ${JSON.stringify(name)}: use one of ${ASSIGNOR_NAMES.join(', ')}.`,
    { assignor: name },
  );
}
