import { Event } from '../decorators/event.decorator';
import { eventMetadataOf, EventMetadata } from '../events/event-metadata';
import { EventSerializer } from './event-serializer';
import { EventTypeRegistry } from './event-type-registry';
import { UpcasterChain } from './upcaster-chain';

@Event('shop.item-added', { version: 3 })
class ItemAdded {
  constructor(
    readonly sku: string,
    readonly quantity: number,
    readonly tags: string[],
  ) {}
}

const metadata: EventMetadata = {
  eventId: 'e-1',
  type: 'shop.item-added',
  schemaVersion: 3,
  aggregate: 'cart',
  aggregateId: 'c-1',
  aggregateVersion: 4,
  timestamp: 1_700_000_000_000,
  correlationId: 'corr-1',
  causationId: 'cmd-1',
  headers: { tenant: 'acme' },
};

// v1 had `item`, v2 renamed it to `sku`, v3 added `tags`.
const upcasters = new UpcasterChain([
  { type: 'shop.item-added', fromVersion: 1, upcast: ({ item, ...rest }) => ({ ...rest, sku: item }) },
  { type: 'shop.item-added', fromVersion: 2, upcast: (p) => ({ ...p, tags: [] }) },
]);

describe('EventSerializer', () => {
  const serializer = new EventSerializer(new EventTypeRegistry([ItemAdded]), upcasters);

  it('round-trips an event and its metadata through a record', () => {
    const { value, headers, timestamp } = serializer.serialize(new ItemAdded('sku-1', 2, ['gift']), metadata);
    const back = serializer.deserialize({
      value,
      headers,
      timestamp,
      keyVersion: 4,
      topic: 'cart.events',
      partition: 1,
      offset: 9,
    });
    expect(back.event).toBeInstanceOf(ItemAdded);
    expect(back.event).toEqual(new ItemAdded('sku-1', 2, ['gift']));
    expect(back.metadata).toEqual(metadata);
    expect(eventMetadataOf(back.event)).toEqual(metadata);
    expect(back.position).toEqual({ topic: 'cart.events', partition: 1, offset: 9 });
    expect(Object.isFrozen(back.event)).toBe(true);
    expect(Object.isFrozen((back.event as ItemAdded).tags)).toBe(true);
    expect(Object.isFrozen(eventMetadataOf(back.event))).toBe(true);
    // The metadata travels with the instance but is no part of its data.
    expect(JSON.stringify(back.event)).toBe(JSON.stringify(new ItemAdded('sku-1', 2, ['gift'])));
    expect({ ...back.event }).toEqual({ sku: 'sku-1', quantity: 2, tags: ['gift'] });
    expect(Object.keys({ ...back.event })).toEqual(['sku', 'quantity', 'tags']);
  });

  it('keeps the class of an event whose stored payload has a "__proto__" key (no prototype swap)', () => {
    const { headers } = serializer.serialize(new ItemAdded('x', 0, []), metadata);
    const { event } = serializer.deserialize({
      value: Buffer.from('{"sku":"s","quantity":1,"tags":[],"__proto__":{"polluted":true}}'),
      headers,
      timestamp: 1,
      keyVersion: 4,
    });
    expect(Object.getPrototypeOf(event)).toBe(ItemAdded.prototype);
    expect((event as { polluted?: boolean }).polluted).toBeUndefined();
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.isFrozen(event)).toBe(true);
  });

  it.each([
    [1, { item: 'sku-1', quantity: 2 }],
    [2, { sku: 'sku-1', quantity: 2 }],
    [3, { sku: 'sku-1', quantity: 2, tags: [] }],
  ])('reads a v%i record as the current class through the upcaster chain', (version, payload) => {
    const headers = {
      ...serializer.serialize(new ItemAdded('x', 0, []), metadata).headers,
      'eventline.schema-version': String(version),
    };
    const { event, metadata: read } = serializer.deserialize({
      value: Buffer.from(JSON.stringify(payload)),
      headers,
      timestamp: 1,
      keyVersion: 4,
    });
    expect(event).toEqual(new ItemAdded('sku-1', 2, []));
    expect(read.schemaVersion).toBe(3);
  });

  it('names an unknown type and what to do', () => {
    const { value, headers } = serializer.serialize(new ItemAdded('x', 0, []), metadata);
    const alien = { ...headers, 'eventline.type': 'shop.item-removed' };
    expect(() => serializer.deserialize({ value, headers: alien, timestamp: 1, keyVersion: 1 })).toThrow(
      expect.objectContaining({
        code: 'UNKNOWN_EVENT_TYPE',
        message: expect.stringContaining('"shop.item-removed"'),
      }),
    );
  });

  it('reports a gap in the upcaster chain', () => {
    const gappy = new EventSerializer(
      new EventTypeRegistry([ItemAdded]),
      new UpcasterChain([upcasters['steps'].get('shop.item-added@2')!]),
    );
    const headers = {
      ...serializer.serialize(new ItemAdded('x', 0, []), metadata).headers,
      'eventline.schema-version': '1',
    };
    expect(() =>
      gappy.deserialize({ value: Buffer.from('{}'), headers, timestamp: 1, keyVersion: 1 }),
    ).toThrow(
      expect.objectContaining({
        code: 'MISSING_UPCASTER',
        details: { type: 'shop.item-added', fromVersion: 1, toVersion: 3 },
      }),
    );
  });

  it('refuses events whose class is not registered, and reserved header names', () => {
    @Event('shop.other')
    class Other {}
    expect(() => serializer.serialize(new Other(), metadata)).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_EVENT_TYPE' }),
    );
    expect(() =>
      serializer.serialize(new ItemAdded('x', 0, []), { ...metadata, headers: { 'eventline.type': 'x' } }),
    ).toThrow(expect.objectContaining({ code: 'RESERVED_HEADER' }));
  });
});
