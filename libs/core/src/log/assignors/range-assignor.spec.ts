import { RangeAssignor } from './range-assignor';
import { TopicPartition } from '../record';

const tps = (topic: string, ...partitions: number[]): TopicPartition[] =>
  partitions.map((partition) => ({ topic, partition }));

describe('RangeAssignor (Kafka RangeAssignorTest cases)', () => {
  const assignor = new RangeAssignor();

  it('gives one member everything', () => {
    const result = assignor.assign(['c1'], [...tps('t1', 0, 1, 2), ...tps('t2', 0)], new Map());
    expect(result.get('c1')).toEqual([...tps('t1', 0, 1, 2), ...tps('t2', 0)]);
  });

  it('splits each topic into ranges; the first members take the remainder (two consumers, two topics, six partitions)', () => {
    const result = assignor.assign(['c2', 'c1'], [...tps('t1', 0, 1, 2), ...tps('t2', 0, 1, 2)], new Map());
    expect(result.get('c1')).toEqual([...tps('t1', 0, 1), ...tps('t2', 0, 1)]);
    expect(result.get('c2')).toEqual([...tps('t1', 2), ...tps('t2', 2)]);
  });

  it('leaves members without partitions when there are more members than partitions', () => {
    const result = assignor.assign(['a', 'b', 'c'], tps('t', 0, 1), new Map());
    expect([...result.entries()]).toEqual([
      ['a', tps('t', 0)],
      ['b', tps('t', 1)],
      ['c', []],
    ]);
  });

  it('returns an empty map for no members', () => {
    expect(assignor.assign([], tps('t', 0), new Map()).size).toBe(0);
  });
});
