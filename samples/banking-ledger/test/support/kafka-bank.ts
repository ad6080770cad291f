import { tempBankFile } from './bank-app';
import { ChildBank, startChildBank } from './child-bank';
import { LedgerClient } from './ledger-client';
import { SeededAccount } from './workload';

/** The service as a child process on the kafka engine, its read models in PostgreSQL (`databaseUrl`). */
export function startKafkaChildBank(
  brokers: string,
  databaseUrl: string,
  env: NodeJS.ProcessEnv = {},
): Promise<ChildBank> {
  return startChildBank(tempBankFile(), {
    EVENTLINE_ENGINE: 'kafka',
    KAFKA_BROKERS: brokers,
    DATABASE_URL: databaseUrl,
    ...env,
  });
}

/** Opens accounts of the given currencies and overdraft limits (a mix the exact checks cover). */
export async function openAccounts(
  client: LedgerClient,
  specs: readonly (readonly [currency: string, overdraftLimit: number])[],
): Promise<SeededAccount[]> {
  const accounts: SeededAccount[] = [];
  for (const [i, [currency, overdraftLimit]] of specs.entries()) {
    const id = await client.openAccount(`owner-${i}`, currency, overdraftLimit);
    accounts.push({ id, currency, overdraftLimit });
  }
  return accounts;
}
