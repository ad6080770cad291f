import { ConcurrencyError, InconsistentGroupProtocolError, UnknownTopicError, ValidationError } from '@eventline/core';
import fc from 'fast-check';
import { KafkaNamespace } from './kafka-namespace';

const nameChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-'.split(''));
const legalName = fc.string({ unit: nameChar, minLength: 1, maxLength: 100 }).filter((s) => !/^\.+$/.test(s) && !s.startsWith('__'));

describe('KafkaNamespace', () => {
  it('refuses names outside Kafka topic names, too long, only dots or internal', () => {
    for (const bad of ['', 'a b', 'ns/1', 'ünï', '.', '..', '__eventline', 'x'.repeat(101)]) {
      expect(() => new KafkaNamespace(bad)).toThrow(ValidationError);
    }
    expect(() => new KafkaNamespace('a b')).toThrow(/namespace "a b" is not legal: use 1-100 characters of a-z/);
  });

  it('maps every name into the namespace and back, and only its own names belong to it', () => {
    fc.assert(
      fc.property(legalName, legalName, legalName, (ns, other, topic) => {
        const mapping = new KafkaNamespace(ns);
        expect(mapping.topic(topic)).toBe(`${ns}.${topic}`);
        expect(mapping.group(topic)).toBe(`${ns}.${topic}`);
        expect(mapping.local(mapping.topic(topic))).toBe(topic);
        expect(mapping.owns(mapping.topic(topic))).toBe(true);
        fc.pre(!`${other}.`.startsWith(`${ns}.`));
        expect(mapping.owns(new KafkaNamespace(other).topic(topic))).toBe(false);
      }),
    );
  });

  it('is the identity without a namespace, returning the same objects', () => {
    const none = new KafkaNamespace();
    const records = [{ topic: 't', partition: 0, offset: 0, key: null, value: null, headers: {}, timestamp: 1, keyVersion: null }];
    expect(none.topic('t')).toBe('t');
    expect(none.records(records)).toBe(records);
    expect(none.transactionalId('eventline-writer')).toBe('eventline-writer');
    expect(new KafkaNamespace('bank').transactionalId('eventline-writer')).toBe('eventline-writer.bank');
  });

  it('hides internal topics from listings, also after the namespace', () => {
    const ns = new KafkaNamespace('bank');
    expect(ns.listed('bank.account.events')).toBe(true);
    expect(ns.listed('bank.__eventline_topics')).toBe(false);
    expect(ns.listed('other.account.events')).toBe(false);
  });

  it("gives errors back in the application's names: message and details", () => {
    const ns = new KafkaNamespace('bank-1');
    const unknown = ns.error(new UnknownTopicError('bank-1.account.events')) as UnknownTopicError;
    expect(unknown.message).toBe('Topic "account.events" does not exist. Create it first (createTopics) or check the name.');
    expect(unknown.details).toEqual({ topic: 'account.events' });

    const conflict = ns.error(new ConcurrencyError('bank-1.account.events', 'bank-1.key', 1, 2)) as ConcurrencyError;
    expect(conflict.details).toEqual({ topic: 'account.events', key: 'bank-1.key', expectedVersion: 1, actualVersion: 2 });

    const protocol = ns.error(
      new InconsistentGroupProtocolError('bank-1.balances', { assignor: 'range', topics: ['bank-1.a'] }, { assignor: 'sticky', topics: ['bank-1.b'] }),
    ) as InconsistentGroupProtocolError;
    expect(protocol.message).toContain('Group "balances" consumes [a] with the range assignor, but a member asked for [b]');
    expect(protocol.details).toEqual({ groupId: 'balances', current: { assignor: 'range', topics: ['a'] }, requested: { assignor: 'sticky', topics: ['b'] } });
  });

  it('refuses a topic that the namespace makes longer than Kafka allows', () => {
    const ns = new KafkaNamespace('n'.repeat(100));
    expect(() => ns.topicSpecs([{ name: 't'.repeat(149), partitions: 1 }])).toThrow(/too long for namespace/);
    expect(ns.topicSpecs([{ name: 't'.repeat(148), partitions: 1 }])[0].name).toHaveLength(249);
  });
});
