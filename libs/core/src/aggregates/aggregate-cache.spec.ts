import fc from 'fast-check';
import { AggregateCache, CachedState } from './aggregate-cache';

type Op = { kind: 'get' | 'set' | 'delete'; key: string; version: number };

/** The reference: a list, least recently used first. */
class ModelLru {
  private readonly list: [string, CachedState][] = [];
  constructor(private readonly capacity: number) {}
  get(key: string): CachedState | undefined {
    const i = this.list.findIndex(([k]) => k === key);
    if (i < 0) return undefined;
    const [hit] = this.list.splice(i, 1);
    this.list.push(hit);
    return hit[1];
  }
  set(key: string, entry: CachedState): void {
    if (this.capacity <= 0) return;
    const i = this.list.findIndex(([k]) => k === key);
    if (i >= 0 && this.list[i][1].version > entry.version) return;
    if (i >= 0) this.list.splice(i, 1);
    this.list.push([key, entry]);
    if (this.list.length > this.capacity) this.list.shift();
  }
  delete(key: string): void {
    const i = this.list.findIndex(([k]) => k === key);
    if (i >= 0) this.list.splice(i, 1);
  }
  get size(): number {
    return this.list.length;
  }
}

const op = fc.record({
  kind: fc.constantFrom<Op['kind']>('get', 'set', 'set', 'delete'),
  key: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
  version: fc.integer({ min: 1, max: 6 }),
});

describe('AggregateCache', () => {
  it('behaves as a least-recently-used cache that never goes back a version (property, against a model)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.array(op, { maxLength: 80 }), (capacity, ops) => {
        const cache = new AggregateCache(capacity);
        const model = new ModelLru(capacity);
        for (const { kind, key, version } of ops) {
          if (kind === 'get') expect(cache.get(key)).toEqual(model.get(key));
          else if (kind === 'delete') {
            cache.delete(key);
            model.delete(key);
          } else {
            const entry = { version, state: `{"v":${version}}` };
            cache.set(key, entry);
            model.set(key, entry);
          }
          expect(cache.size).toBe(model.size);
        }
        // What is left, and in which order it would be evicted, is the model's.
        for (const key of ['a', 'b', 'c', 'd', 'e']) expect(cache.get(key)).toEqual(model.get(key));
      }),
      { numRuns: 500 },
    );
  });
});
