import { InMemoryEventLog } from '@eventline/testing';
import { describeEventLogContract } from '../contract/event-log-contract';

describeEventLogContract('in-memory', {
  open: async () => new InMemoryEventLog(),
  clean: async (log, topic) => {
    await (log as InMemoryEventLog).clean(topic);
  },
});
