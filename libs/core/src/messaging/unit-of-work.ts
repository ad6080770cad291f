import { EventMetadata } from '../events/event-metadata';
import { DefinitionError } from '../errors';
import { KeyExpectation, ProducerRecord } from '../log/record';

/** The events one save added to one aggregate stream, ready to append. */
export interface StagedStream {
  readonly aggregate: string;
  readonly id: string;
  readonly topic: string;
  /** The stream's version before the first staged event: the append's expectation. */
  readonly expectedVersion: number;
  readonly events: readonly {
    readonly event: object;
    readonly metadata: EventMetadata;
    readonly record: ProducerRecord;
  }[];
  /** The latest snapshot to write with the events, if the snapshot policy asked for one. */
  readonly snapshot: ProducerRecord | null;
  /** The aggregate's state after these events, for the in-process aggregate cache once they are appended. */
  readonly cachedState?: { readonly version: number; readonly state: string };
}

/** Which versions of a stream one commit wrote: `fromVersion..toVersion`, inclusive. */
export interface StreamWrite {
  readonly aggregate: string;
  readonly topic: string;
  readonly id: string;
  readonly fromVersion: number;
  readonly toVersion: number;
}

/**
 * Everything a command handler saved, committed as ONE atomic append after the handler returns
 * (events, snapshots and the idempotency record together, or nothing).
 */
export class UnitOfWork {
  private readonly streams = new Map<string, StagedStream>();

  stage(stream: StagedStream): void {
    const id = `${stream.topic}\u0000${stream.id}`;
    const previous = this.streams.get(id);
    if (!previous) {
      this.streams.set(id, stream);
      return;
    }
    const staged = previous.expectedVersion + previous.events.length;
    if (stream.expectedVersion !== staged) {
      throw new DefinitionError(
        `${stream.aggregate} "${stream.id}" was saved from version ${stream.expectedVersion} after a save up to ${staged} in the same command. Save one instance per aggregate per command.`,
        { aggregate: stream.aggregate, id: stream.id },
      );
    }
    this.streams.set(id, {
      ...previous,
      events: [...previous.events, ...stream.events],
      snapshot: stream.snapshot ?? previous.snapshot,
      cachedState: stream.cachedState,
    });
  }

  staged(): StagedStream[] {
    return [...this.streams.values()];
  }

  isEmpty(): boolean {
    return this.streams.size === 0;
  }

  writes(): StreamWrite[] {
    return this.staged()
      .filter((s) => s.events.length > 0)
      .map((s) => ({
        aggregate: s.aggregate,
        topic: s.topic,
        id: s.id,
        fromVersion: s.expectedVersion + 1,
        toVersion: s.expectedVersion + s.events.length,
      }));
  }

  expectations(): KeyExpectation[] {
    return this.staged().map((s) => ({ topic: s.topic, key: s.id, version: s.expectedVersion }));
  }
}
