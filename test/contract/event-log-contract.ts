import { EventLog } from '@eventline/core';
import { topicContract } from './topic-contract';
import { appendReadContract } from './append-read-contract';
import { expectationContract } from './expectation-contract';
import { groupContract } from './group-contract';
import { compactionContract } from './compaction-contract';

/** What an adapter hands the contract suite. */
export interface EventLogContractFactory {
  /** A fresh, connected log. Topics from earlier tests may exist: every test uses new topic names. */
  open(): Promise<EventLog>;
  /** Makes the engine's log cleaner run on `topic` and returns once it has (Kafka: roll segments and wait). */
  clean(log: EventLog, topic: string): Promise<void>;
}

export interface ContractContext {
  log(): EventLog;
  factory: EventLogContractFactory;
  /** A topic name no earlier test used. */
  topicName(hint: string): string;
}

/**
 * The behaviour every EventLog adapter must have. Call it from a spec file:
 *
 * @example
 * describeEventLogContract('sqlite', { open: async () => SqliteEventLog.open({ file }), clean: (log, t) => ... });
 */
export function describeEventLogContract(adapter: string, factory: EventLogContractFactory): void {
  describe(`EventLog contract: ${adapter}`, () => {
    let log: EventLog | undefined;
    let counter = 0;
    const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
    const ctx: ContractContext = {
      log: () => {
        if (!log) throw new Error('log not open');
        return log;
      },
      factory,
      topicName: (hint) => `contract.${hint}.${run}.${++counter}`,
    };

    beforeAll(async () => {
      log = await factory.open();
    });
    afterAll(async () => {
      await log?.close();
    });

    describe('topics', () => topicContract(ctx));
    describe('append and read', () => appendReadContract(ctx));
    describe('optimistic concurrency', () => expectationContract(ctx));
    describe('consumer groups', () => groupContract(ctx));
    describe('compaction', () => compactionContract(ctx));
  });
}
