import { Event } from '../decorators/event.decorator';
import { deepFreeze } from './deep-freeze';

@Event('test.nested')
class Nested {
  constructor(
    readonly id: string,
    readonly lines: { sku: string; qty: number }[],
    readonly meta: { tags: string[] },
  ) {}
}

describe('deep freeze', () => {
  it('freezes event instances at creation, all the way down', () => {
    const e = new Nested('n-1', [{ sku: 'a', qty: 1 }], { tags: ['x'] });
    expect(Object.isFrozen(e)).toBe(true);
    expect(Object.isFrozen(e.lines[0])).toBe(true);
    expect(() => {
      (e as { id: string }).id = 'changed';
    }).toThrow(TypeError);
    expect(() => e.lines.push({ sku: 'b', qty: 2 })).toThrow(TypeError);
    expect(() => e.meta.tags.push('y')).toThrow(TypeError);
    expect(e).toBeInstanceOf(Nested);
    expect(e.constructor.name).toBe('Nested');
  });

  it('handles cycles and already-frozen parents with mutable children', () => {
    const child = { n: 1 };
    const parent = Object.freeze({ child }) as { child: { n: number }; self?: unknown };
    deepFreeze(parent);
    expect(Object.isFrozen(child)).toBe(true);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(deepFreeze(cyclic)).toBe(cyclic);
  });
});

describe('deep freeze of cycles below the top', () => {
  it('terminates on a cycle that does not pass through the root', () => {
    const b: Record<string, unknown> = {};
    const c: Record<string, unknown> = { b };
    b.c = c;
    const root = { b, n: 1 };
    expect(deepFreeze(root)).toBe(root);
    expect(Object.isFrozen(b) && Object.isFrozen(c)).toBe(true);
  });
});
