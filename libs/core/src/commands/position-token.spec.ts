import fc from 'fast-check';
import { RecordPosition } from '../log/record';
import { decodePositionToken, encodePositionToken } from './position-token';

const position = fc.record({
  topic: fc.constantFrom('account.events', 'ledger.events', 'eventline.commands'),
  partition: fc.integer({ min: 0, max: 7 }),
  offset: fc.integer({ min: 0, max: 1_000_000 }),
});

/** The highest offset per topic-partition, sorted by topic then partition: what a token must hold. */
function highest(positions: readonly RecordPosition[]): RecordPosition[] {
  const best = new Map<string, RecordPosition>();
  for (const p of positions) {
    const id = `${p.topic}:${p.partition}`;
    if ((best.get(id)?.offset ?? -1) < p.offset) best.set(id, p);
  }
  return [...best.values()].sort((a, b) =>
    a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition,
  );
}

describe('position tokens', () => {
  it('hold the highest offset of every topic-partition, whatever the number of positions (property)', () => {
    fc.assert(
      fc.property(fc.array(position, { maxLength: 20 }), (positions) => {
        expect(decodePositionToken(encodePositionToken(positions))).toEqual(highest(positions));
      }),
    );
  });

  it('write one position as topic:partition@offset', () => {
    expect(encodePositionToken([{ topic: 'account.events', partition: 3, offset: 41 }])).toBe(
      'account.events:3@41',
    );
    expect(encodePositionToken([])).toBe('');
  });
});
