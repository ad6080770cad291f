/**
 * Child process of the two-process concurrency test: on "load" it loads the account, on "decide"
 * it deposits and commits, reporting whether it won the version. The parent keeps both in lockstep.
 */
import { ConcurrencyError } from '@eventline/core';
import { Account } from '../bank/account';
import { openWriteSide } from './write-side';

const [file, accountId, childId] = process.argv.slice(2);
const child = Number(childId);

class Deposit {
  constructor(
    readonly accountId: string,
    readonly amount: number,
  ) {}
}

async function main(): Promise<void> {
  const side = await openWriteSide(file);
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
      try {
        await side.pipeline.execute(new Deposit(accountId, amount), async () => {
          account.deposit(amount);
          await accounts.save(account);
        });
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        won = false;
      }
      process.send!({ phase: 'done', round: m.round, child, won, amount });
    } else {
      await side.log.close();
      process.disconnect();
    }
  });
}

void main();
