import { TopicPartition } from '../log/record';
import type { RebuildProgress } from './projection-rebuild';

export type ProjectionState = 'starting' | 'running' | 'rebuilding' | 'stopped' | 'failed';

/** Per topic-partition number, keyed `topic:partition`. */
export type PartitionNumbers = Readonly<Record<string, number>>;

/** A snapshot of one runner: what it owns, how far it is, how far behind. */
export interface ProjectionStatus {
  readonly name: string;
  readonly state: ProjectionState;
  /** Partitions assigned to this runner by the group. */
  readonly partitions: readonly TopicPartition[];
  /** Next offset to apply per assigned partition (the committed checkpoint). */
  readonly checkpoints: PartitionNumbers;
  /** Log end offsets of the assigned partitions. */
  readonly endOffsets: PartitionNumbers;
  /** Total records not yet applied over the assigned partitions. */
  readonly lag: number;
  readonly lastError: { readonly message: string; readonly code?: string } | null;
  /** The latest rebuild started in this process: phase, events processed, rate, ETA. */
  readonly rebuild?: RebuildProgress;
  /** Records parked by the projection (all processes); list them with `Projections.parked(name)`. */
  readonly parked?: number;
}

export function partitionId(tp: TopicPartition): string {
  return `${tp.topic}:${tp.partition}`;
}
