import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CommandHandler, CqrsModule, ICommandHandler } from '@nestjs/cqrs';
import { AggregateRepository, commandReceiptOf, EventlineModule, InjectRepository } from '@eventline/core';
import { sqliteEngine } from '@eventline/sqlite';
import { Account } from './bank/account';
import { Deposit, depositHandler } from './support/deposit';
import { openWriteSide, tempDbFile } from './support/write-side';

@CommandHandler(Deposit)
class DepositHandler implements ICommandHandler<Deposit> {
  constructor(@InjectRepository(Account) private readonly accounts: AggregateRepository<Account>) {}
  execute(command: Deposit) {
    return depositHandler(this.accounts, command)();
  }
}

describe('command receipts', () => {
  it('CommandPipeline.execute returns the receipt and keeps none on the command', async () => {
    const side = await openWriteSide(tempDbFile());
    const accounts = side.store.repository(Account);
    const command = new Deposit('r-1', 10);
    const receipt = await side.pipeline.execute(command, depositHandler(accounts, command));
    expect(receipt).toMatchObject({ result: { version: 2 }, replayed: false });
    expect(receipt.positions).toHaveLength(2);
    expect(receipt.position).not.toBe('');
    expect(commandReceiptOf(command)).toBeUndefined(); // kept only for the bus, which returns just the result
  });

  it('the CommandBus keeps the latest receipt on the command (what CommandGateway reads)', async () => {
    const file = tempDbFile();
    @Module({
      imports: [
        CqrsModule.forRoot(),
        EventlineModule.forRoot({ engine: sqliteEngine({ file }), partitions: 2 }),
        EventlineModule.forFeature([Account]),
      ],
      providers: [DepositHandler],
    })
    class ReceiptsModule {}
    const app = await NestFactory.createApplicationContext(ReceiptsModule, { logger: false });
    await app.init();
    try {
      const bus = app.get(CommandBus);
      const command = new Deposit('r-2', 5);
      expect(await bus.execute(command)).toMatchObject({ version: 2 });
      expect(commandReceiptOf(command)).toMatchObject({
        result: { version: 2 },
        streams: [{ toVersion: 2 }],
      });
      expect(await bus.execute(command)).toMatchObject({ version: 3 });
      expect(commandReceiptOf(command)).toMatchObject({
        result: { version: 3 },
        streams: [{ fromVersion: 3 }],
      });
    } finally {
      await app.close();
    }
  });
});
