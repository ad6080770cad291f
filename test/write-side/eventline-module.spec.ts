/** EventlineModule inside a Nest application, next to CqrsModule, on the embedded engine. */
import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  CommandBus,
  CommandHandler,
  CqrsModule,
  EventsHandler,
  ICommandHandler,
  IEventHandler,
} from '@nestjs/cqrs';
import { IsPositive, IsString } from 'class-validator';
import {
  AggregateRepository,
  CommandGateway,
  CommandValidationError,
  EVENT_LOG,
  EventLog,
  EventlineModule,
  InjectRepository,
  eventMetadataOf,
} from '@eventline/core';
import { sqliteEngine } from '@eventline/sqlite';
import { Account, Deposited, depositedV1toV2 } from './bank/account';
import { tempDbFile } from './support/write-side';

class Deposit {
  @IsString() readonly accountId: string;
  @IsPositive() readonly amount: number;
  constructor(accountId: string, amount: number) {
    this.accountId = accountId;
    this.amount = amount;
  }
}

class Audit {
  constructor(readonly accountId: string) {}
}

@CommandHandler(Deposit)
class DepositHandler implements ICommandHandler<Deposit> {
  constructor(@InjectRepository(Account) private readonly accounts: AggregateRepository<Account>) {}
  async execute({ accountId, amount }: Deposit) {
    const account = (await this.accounts.find(accountId)) ?? (await this.accounts.create(accountId));
    if (account.version === 0) account.open('ada', 'EUR');
    account.deposit(amount);
    await this.accounts.save(account);
    return { accountId, version: account.version };
  }
}

const audits: { command: Audit; correlationId?: string; causationId?: string | null }[] = [];

@CommandHandler(Audit)
class AuditHandler implements ICommandHandler<Audit> {
  async execute(command: Audit) {
    const { MessageContexts } = await import('@eventline/core');
    const context = MessageContexts.current();
    audits.push({ command, correlationId: context?.correlationId, causationId: context?.causationId });
  }
}

/** A reaction: dispatches a command, which must inherit the event's correlation and name it as cause. */
@EventsHandler(Deposited)
@Injectable()
class DepositedReaction implements IEventHandler<Deposited> {
  constructor(private readonly commandBus: CommandBus) {}
  handle(event: Deposited) {
    return this.commandBus.execute(new Audit(event.accountId));
  }
}

async function start(file: string) {
  @Module({
    imports: [
      CqrsModule.forRoot(),
      EventlineModule.forRootAsync({
        useFactory: () => ({ engine: sqliteEngine({ file }), partitions: 3, snapshotEvery: 5 }),
      }),
      EventlineModule.forFeature([Account], { upcasters: [depositedV1toV2] }),
    ],
    providers: [DepositHandler, AuditHandler, DepositedReaction],
  })
  class BankModule {}
  const app = await NestFactory.createApplicationContext(BankModule, { logger: false });
  await app.init();
  return app;
}

describe('EventlineModule', () => {
  it('creates topics, validates on the bus, commits, publishes, propagates correlation and returns receipts', async () => {
    const file = tempDbFile();
    const app = await start(file);
    const log = app.get<EventLog>(EVENT_LOG);
    const topics = Object.fromEntries((await log.listTopics()).map((t) => [t.name, t]));
    expect(topics['account.events']).toMatchObject({
      partitions: 3,
      config: { cleanupPolicy: 'delete', retentionMs: -1 },
    });
    expect(topics['account.state']).toMatchObject({ partitions: 3, config: { cleanupPolicy: 'compact' } });
    expect(topics['eventline.commands']).toMatchObject({ config: { cleanupPolicy: 'compact' } });

    const bus = app.get(CommandBus);
    await expect(bus.execute(new Deposit('a-1', 0))).rejects.toBeInstanceOf(CommandValidationError);
    expect(await log.keyVersions('account.events', ['a-1'])).toEqual(new Map([['a-1', 0]]));

    expect(await bus.execute(new Deposit('a-1', 10))).toEqual({ accountId: 'a-1', version: 2 });
    const gateway = app.get(CommandGateway);
    const receipt = await gateway.send<{ version: number }>(new Deposit('a-1', 5), {
      idempotencyKey: 'k-1',
      correlationId: 'corr-42',
    });
    expect(receipt).toMatchObject({
      result: { accountId: 'a-1', version: 3 },
      replayed: false,
      streams: [{ id: 'a-1', fromVersion: 3, toVersion: 3 }],
    });
    expect(receipt.positions).toEqual([expect.objectContaining({ topic: 'account.events' })]);
    expect(await gateway.send(new Deposit('a-1', 5), { idempotencyKey: 'k-1' })).toEqual({
      ...receipt,
      replayed: true,
    });

    // Metadata on the stored event, and the reaction's command caused by it.
    const [, , third] = await log.readKey('account.events', 'a-1');
    expect(third.headers).toMatchObject({
      'eventline.type': 'account.deposited',
      'eventline.correlation-id': 'corr-42',
      'eventline.aggregate-version': '3',
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(audits.find((a) => a.correlationId === 'corr-42')).toMatchObject({
      causationId: third.headers['eventline.event-id'],
    });
    const loaded = await app.get<AggregateRepository<Account>>('AccountEventlineRepository').load('a-1');
    expect(loaded.balance).toBe(15);
    expect(eventMetadataOf(loaded) ?? null).toBeNull();
    await app.close();

    // Restart on the same file: topics exist, the idempotent result survives.
    const again = await start(file);
    expect(await again.get(CommandGateway).send(new Deposit('a-1', 5), { idempotencyKey: 'k-1' })).toEqual({
      ...receipt,
      replayed: true,
    });
    await again.close();
  });
});
