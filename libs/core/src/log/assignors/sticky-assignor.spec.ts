import { StickyAssignor } from './sticky-assignor';
import { TopicPartition } from '../record';

const tps = (topic: string, ...partitions: number[]): TopicPartition[] =>
  partitions.map((partition) => ({ topic, partition }));

describe('StickyAssignor', () => {
  const assignor = new StickyAssignor();

  it('starts like a balanced round of the sorted partitions', () => {
    const result = assignor.assign(['a', 'b'], tps('t', 0, 1, 2), new Map());
    expect(result.get('a')).toEqual(tps('t', 0, 2));
    expect(result.get('b')).toEqual(tps('t', 1));
  });

  it('on a join moves only what the newcomer needs', () => {
    const previous = new Map([
      ['a', tps('t', 0, 1, 2)],
      ['b', tps('t', 3, 4, 5)],
    ]);
    const result = assignor.assign(['a', 'b', 'c'], tps('t', 0, 1, 2, 3, 4, 5), previous);
    expect(result.get('a')).toEqual(tps('t', 0, 1));
    expect(result.get('b')).toEqual(tps('t', 3, 4));
    expect(result.get('c')).toEqual(tps('t', 2, 5));
  });

  it('on a leave keeps the survivors and spreads only the leaver’s partitions', () => {
    const previous = new Map([
      ['a', tps('t', 0, 3)],
      ['b', tps('t', 1, 4)],
      ['c', tps('t', 2, 5)],
    ]);
    const result = assignor.assign(['a', 'c'], tps('t', 0, 1, 2, 3, 4, 5), previous);
    expect(result.get('a')).toEqual(tps('t', 0, 1, 3));
    expect(result.get('c')).toEqual(tps('t', 2, 4, 5));
  });

  it('ignores previous partitions that no longer exist and claims of unknown members', () => {
    const previous = new Map([
      ['a', tps('t', 0, 7)],
      ['gone', tps('t', 1)],
    ]);
    const result = assignor.assign(['a', 'b'], tps('t', 0, 1), previous);
    expect(result.get('a')).toEqual(tps('t', 0));
    expect(result.get('b')).toEqual(tps('t', 1));
  });

  it('gives a partition claimed twice to one member only', () => {
    const previous = new Map([
      ['a', tps('t', 0)],
      ['b', tps('t', 0)],
    ]);
    const result = assignor.assign(['a', 'b'], tps('t', 0, 1), previous);
    expect(result.get('a')).toEqual(tps('t', 0));
    expect(result.get('b')).toEqual(tps('t', 1));
  });
});
