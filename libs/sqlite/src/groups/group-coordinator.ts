import type Database from 'better-sqlite3';
import {
  CommittedOffset,
  GroupAssignment,
  GroupDescription,
  HeartbeatResult,
  JoinGroupRequest,
  OffsetCommit,
} from '@eventline/core';
import { TopicCatalog } from '../topic-catalog';

// PLACEHOLDER — being implemented (consumer groups across processes). Not wired into any test yet.
export class GroupCoordinator {
  constructor(
    private readonly db: Database.Database,
    private readonly catalog: TopicCatalog,
    private readonly clock: () => number,
  ) {}

  join(_request: JoinGroupRequest): GroupAssignment {
    throw new Error('not implemented');
  }
  heartbeat(_groupId: string, _memberId: string, _generation: number): HeartbeatResult {
    throw new Error('not implemented');
  }
  leave(_groupId: string, _memberId: string): void {
    throw new Error('not implemented');
  }
  commitOffsets(_groupId: string, _memberId: string, _generation: number, _offsets: readonly OffsetCommit[]): void {
    throw new Error('not implemented');
  }
  fetchOffsets(_groupId: string, _topic?: string): CommittedOffset[] {
    throw new Error('not implemented');
  }
  describe(_groupId: string): GroupDescription {
    throw new Error('not implemented');
  }
  list(): string[] {
    throw new Error('not implemented');
  }
}
