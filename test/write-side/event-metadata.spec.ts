import {
  Aggregate,
  AggregateRoot,
  CommandPipeline,
  Event,
  EventEnvelope,
  eventMetadataOf,
  EventStore,
  IdempotencyStore,
} from '@eventline/core';
import { SqliteEventLog } from '@eventline/sqlite';
import { tempDbFile } from './support/write-side';

@Event('note.written', { version: 1 })
class NoteWritten {
  constructor(readonly text: string) {}
}

@Aggregate('note')
class Note extends AggregateRoot {
  write(text: string, headers?: Record<string, string>): void {
    this.record(new NoteWritten(text), headers ? { headers } : {});
  }
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('event metadata of committed events', () => {
  const log = SqliteEventLog.open({ file: tempDbFile() });
  const store = new EventStore({ log, types: [Note, NoteWritten], snapshotEvery: 0, partitions: 2 });
  const pipeline = new CommandPipeline(store, new IdempotencyStore(log, undefined, 2));
  const published: EventEnvelope[] = [];
  store.publisher = (events) => published.push(...events);
  const notes = store.repository(Note);

  beforeAll(() => store.provisionTopics());
  afterAll(() => log.close());

  it('is frozen once, attached as published, and merges command headers under event headers', async () => {
    const command = { id: 'n-1' };
    await pipeline.execute(
      command,
      async () => {
        const note = await notes.create('n-1');
        note.write('plain');
        note.write('tagged', { channel: 'event', lang: 'en' });
        await notes.save(note);
      },
      { headers: { channel: 'command', tenant: 't-1' }, correlationId: 'corr-1' },
    );
    const [plain, tagged] = published;
    for (const { event, metadata } of [plain, tagged]) {
      expect(Object.isFrozen(metadata)).toBe(true);
      expect(Object.isFrozen(metadata.headers)).toBe(true);
      expect(eventMetadataOf(event)).toBe(metadata); // the staged metadata itself, not a copy
      expect(metadata.eventId).toMatch(UUID_V4);
      expect(metadata.correlationId).toBe('corr-1');
    }
    expect(plain.metadata.eventId).not.toBe(tagged.metadata.eventId);
    expect(plain.metadata.headers).toEqual({ channel: 'command', tenant: 't-1' });
    expect(tagged.metadata.headers).toEqual({ channel: 'event', tenant: 't-1', lang: 'en' });
    const stored = await log.readKey('note.events', 'n-1');
    expect(stored.map((r) => r.headers['eventline.event-id'])).toEqual([
      plain.metadata.eventId,
      tagged.metadata.eventId,
    ]);
    expect(stored[1].headers).toMatchObject({ channel: 'event', tenant: 't-1', lang: 'en' });
  });

  it('has frozen empty headers, and a new correlation id, for an event saved outside any command', async () => {
    published.length = 0;
    const note = await notes.create('n-2');
    note.write('alone');
    await notes.save(note);
    const [{ metadata }] = published;
    expect(metadata.headers).toEqual({});
    expect(Object.isFrozen(metadata.headers)).toBe(true);
    expect(metadata.correlationId).toMatch(UUID_V4);
    expect(metadata.causationId).toBeNull();
  });
});
