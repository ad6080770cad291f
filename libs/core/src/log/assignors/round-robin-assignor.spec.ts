import { RoundRobinAssignor } from './round-robin-assignor';
import { TopicPartition } from '../record';

const tps = (topic: string, ...partitions: number[]): TopicPartition[] =>
  partitions.map((partition) => ({ topic, partition }));

describe('RoundRobinAssignor (Kafka RoundRobinAssignorTest cases)', () => {
  const assignor = new RoundRobinAssignor();

  it('deals all topic-partitions in sorted order (two consumers, two topics, six partitions)', () => {
    const result = assignor.assign(['c2', 'c1'], [...tps('t2', 2, 1, 0), ...tps('t1', 0, 1, 2)], new Map());
    expect(result.get('c1')).toEqual([...tps('t1', 0, 2), ...tps('t2', 1)]);
    expect(result.get('c2')).toEqual([...tps('t1', 1), ...tps('t2', 0, 2)]);
  });

  it('balances across topics where range would not (three topics of one partition, two members)', () => {
    const result = assignor.assign(['a', 'b'], [...tps('x', 0), ...tps('y', 0), ...tps('z', 0)], new Map());
    expect(result.get('a')).toEqual([...tps('x', 0), ...tps('z', 0)]);
    expect(result.get('b')).toEqual(tps('y', 0));
  });
});
