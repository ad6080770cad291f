/** The same Nest application as on SQLite, with only the engine swapped: kafkaEngine on a real broker. */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CommandHandler, CqrsModule, ICommandHandler } from '@nestjs/cqrs';
import { IsPositive, IsString } from 'class-validator';
import { AggregateRepository, CommandGateway, EVENT_LOG, EventLog, EventlineModule, InjectRepository } from '@eventline/core';
import { kafkaEngine } from '@eventline/kafka';
import { Account, depositedV1toV2 } from '../write-side/bank/account';
import { requireKafka } from './support/kafka-broker';

const brokers = requireKafka('EventlineModule on kafkaEngine');

class Deposit {
  @IsString() readonly accountId: string;
  @IsPositive() readonly amount: number;
  constructor(accountId: string, amount: number) {
    this.accountId = accountId;
    this.amount = amount;
  }
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

(brokers ? describe : describe.skip)('EventlineModule on kafkaEngine', () => {
  jest.setTimeout(120_000);

  it('runs application code unchanged: commands, snapshots, idempotent receipts, loads', async () => {
    @Module({
      imports: [
        CqrsModule.forRoot(),
        // The only line that differs from the SQLite application.
        EventlineModule.forRoot({ engine: kafkaEngine({ brokers: brokers!, transactionalId: `eventline-module-${process.pid}` }), partitions: 4, snapshotEvery: 2 }),
        EventlineModule.forFeature([Account], { upcasters: [depositedV1toV2] }),
      ],
      providers: [DepositHandler],
    })
    class BankModule {}
    const app = await NestFactory.createApplicationContext(BankModule, { logger: false });
    await app.init();
    const id = `acc-module-${Date.now().toString(36)}`;
    const bus = app.get(CommandBus);
    expect(await bus.execute(new Deposit(id, 10))).toEqual({ accountId: id, version: 2 });
    expect(await bus.execute(new Deposit(id, 7))).toEqual({ accountId: id, version: 3 });
    const gateway = app.get(CommandGateway);
    const receipt = await gateway.send(new Deposit(id, 5), { idempotencyKey: `${id}-k1` });
    expect(await gateway.send(new Deposit(id, 5), { idempotencyKey: `${id}-k1` })).toEqual({ ...receipt, replayed: true });
    const log = app.get<EventLog>(EVENT_LOG);
    expect((await log.readKey('account.events', id)).map((r) => r.keyVersion)).toEqual([1, 2, 3, 4]);
    expect((await log.readLatest('account.state', id))?.key).toBe(id);
    expect((await app.get<AggregateRepository<Account>>('AccountEventlineRepository').load(id)).balance).toBe(22);
    await app.close();
  });
});
