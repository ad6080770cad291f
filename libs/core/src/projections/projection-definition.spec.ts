import { Event } from '../decorators/event.decorator';
import { DefinitionError } from '../errors';
import { On } from './on.decorator';
import { Projection } from './projection.decorator';
import { projectionDefinitionOf } from './projection-definition';

@Event('spec.opened')
class Opened {
  constructor(readonly id: string) {}
}

@Event('spec.closed')
class Closed {
  constructor(readonly id: string) {}
}

describe('projection definitions', () => {
  it('reads @Projection and @On metadata, handlers keyed by stored event type', () => {
    @Projection('open-accounts', { topics: ['accounts'] })
    class OpenAccounts {
      @On(Opened) opened(): void {}
      @On(Closed) closed(): void {}
    }
    const definition = projectionDefinitionOf(new OpenAccounts());
    expect(definition).toMatchObject({
      name: 'open-accounts',
      groupId: 'projection.open-accounts',
      topics: ['accounts'],
      version: 1,
    });
    expect([...definition.handlers.keys()].sort()).toEqual(['spec.closed', 'spec.opened']);
    expect(definition.handlers.get('spec.opened')).toEqual({ event: Opened, method: 'opened' });
    expect(projectionDefinitionOf(OpenAccounts).version).toBe(1);
  });

  it('rejects undecorated classes, projections without topics and two handlers for one event', () => {
    class Plain {}
    @Projection('none', { topics: [] })
    class NoTopics {}
    @Projection('twice', { topics: ['t'], version: 3 })
    class Twice {
      @On(Opened) a(): void {}
      @On(Opened) b(): void {}
    }
    expect(() => projectionDefinitionOf(Plain)).toThrow(DefinitionError);
    expect(() => projectionDefinitionOf(NoTopics)).toThrow(/reads no topic/);
    expect(() => projectionDefinitionOf(Twice)).toThrow(/handles "spec.opened" twice/);
  });

  it('rejects @On with a class that is not an event', () => {
    class NotAnEvent {}
    @Projection('bad', { topics: ['t'] })
    class Bad {
      @On(NotAnEvent) handle(): void {}
    }
    expect(() => projectionDefinitionOf(Bad)).toThrow(/is not an event/);
  });
});
