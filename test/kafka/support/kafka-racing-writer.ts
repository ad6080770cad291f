/**
 * Child process of the two-process Kafka race: on "load" it loads the account, on "decide" it
 * deposits and commits through the write side on a KafkaEventLog, reporting whether it won the
 * version. The parent keeps both children in lockstep. Both use the same write lease
 * (transactional.id), as two instances of one application do.
 */
import { ConcurrencyError } from '@eventline/core';
import { KafkaEventLog } from '@eventline/kafka';
import { Account } from '../../write-side/bank/account';
import { openWriteSide } from '../../write-side/support/write-side';

const [brokers, transactionalId, accountId, childId] = process.argv.slice(2);
const child = Number(childId);

class Deposit {
  constructor(
    readonly accountId: string,
    readonly amount: number,
  ) {}
}

async function main(): Promise<void> {
  const log = await KafkaEventLog.open({ brokers, transactionalId, clientId: `racer-${child}` });
  const side = await openWriteSide('', { log });
  const accounts = side.store.repository(Account);
  let loaded: Account | undefined;
  process.on('message', async (m: { go: string; round: number }) => {
    if (m.go === 'load') {
      loaded = await accounts.load(accountId);
      process.send!({ phase: 'loaded', round: m.round, child });
    } else if (m.go === 'decide') {
      const amount = m.round * 10 + child;
      const account = loaded!;
      let won = true;
      let failure: string | undefined;
      try {
        await side.pipeline.execute(new Deposit(accountId, amount), async () => {
          account.deposit(amount);
          await accounts.save(account);
        });
      } catch (error) {
        won = false;
        // Anything but a lost race is reported to the parent, which fails the test at once.
        if (!(error instanceof ConcurrencyError)) failure = String(error);
      }
      process.send!({ phase: 'done', round: m.round, child, won, amount, failure });
    } else {
      await side.log.close();
      process.disconnect();
    }
  });
  process.send!({ phase: 'ready', round: -1, child });
}

void main();
