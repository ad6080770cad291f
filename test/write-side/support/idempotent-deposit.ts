/** Child process: executes one Deposit with an idempotency key, prints the receipt, then dies without closing (a crash). */
import { Account } from '../bank/account';
import { openWriteSide } from './write-side';
import { Deposit, depositHandler } from './deposit';

const [file, accountId, amount, key] = process.argv.slice(2);

async function main(): Promise<void> {
  const side = await openWriteSide(file, { snapshotEvery: 2 });
  const command = new Deposit(accountId, Number(amount));
  const receipt = await side.pipeline.execute(
    command,
    depositHandler(side.store.repository(Account), command),
    { idempotencyKey: key },
  );
  process.stdout.write(JSON.stringify(receipt));
  process.kill(process.pid, 'SIGKILL');
}

void main();
