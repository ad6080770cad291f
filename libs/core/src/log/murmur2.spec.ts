import { murmur2, toPositive } from './murmur2';
import { Partitioner, partitionForKey } from './partitioner';

/**
 * Vectors from Apache Kafka's own tests: clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java,
 * testMurmur2 (expected values are Java ints from Utils.murmur2).
 */
const KAFKA_MURMUR2_VECTORS: Array<[Uint8Array, number]> = [
  [Buffer.from('21'), -973932308],
  [Buffer.from('foobar'), -790332482],
  [Buffer.from('a-little-bit-long-string'), -985981536],
  [Buffer.from('a-little-bit-longer-string'), -1486304829],
  [Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'), -58897971],
  [Uint8Array.from([0x61, 0x62, 0x63]), 479470107],
];

/**
 * Printed by kafka-clients 4.4.0's own Utils.murmur2 (run with the jars scripts/kafka fetches):
 * key, murmur2, toPositive(murmur2) % 12 — the partition Kafka's default partitioner picks on 12 partitions.
 */
const KAFKA_CLIENT_PARTITIONS: Array<[string, number, number]> = [
  ['account-1', 1835529620, 8],
  ['a', -1563381124, 4],
  ['kontø-ß-€', -982800490, 10],
  ['', 275646681, 9],
  ['3f2504e0-4f89-41d3-9a0c-0305e82c3301', -28123860, 8],
  ['6ba7b810-9dad-11d1-80b4-00c04fd430c8', -610484791, 1],
  ['c9bf9e57-1685-4c89-bafb-ff5af830be8a', -962323108, 4],
  ['00000000-0000-0000-0000-000000000000', 713427837, 9],
  ['ffffffff-ffff-ffff-ffff-ffffffffffff', -359870222, 6],
];

describe('murmur2 (Kafka-compatible)', () => {
  it.each(KAFKA_CLIENT_PARTITIONS)('places %j where the Java client does', (key, hash, partition) => {
    expect(murmur2(Buffer.from(key, 'utf8'))).toBe(hash);
    expect(partitionForKey(key, 12)).toBe(partition);
  });

  it.each(KAFKA_MURMUR2_VECTORS)('hashes %s like Kafka', (bytes, expected) => {
    expect(murmur2(bytes)).toBe(expected);
  });

  it('toPositive clears only the sign bit, like Utils.toPositive', () => {
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(12345)).toBe(12345);
  });

  it('places keys by toPositive(murmur2(utf8 key)) % partitions', () => {
    expect(partitionForKey('foobar', 8)).toBe(toPositive(-790332482) % 8);
    expect(partitionForKey('21', 3)).toBe(toPositive(-973932308) % 3);
  });

  it('hashes the UTF-8 bytes of non-ASCII keys', () => {
    const key = 'kontø-ß-€';
    expect(partitionForKey(key, 1000)).toBe(toPositive(murmur2(Buffer.from(key, 'utf8'))) % 1000);
    expect(Buffer.from(key, 'utf8').length).toBeGreaterThan(key.length);
  });

  it('spreads unkeyed records round-robin per topic', () => {
    const p = new Partitioner();
    expect([0, 1, 2, 3].map(() => p.partition('t', null, 3))).toEqual([0, 1, 2, 0]);
    expect(p.partition('other', null, 3)).toBe(0);
    expect(p.partition('t', 'foobar', 8)).toBe(partitionForKey('foobar', 8));
  });
});
