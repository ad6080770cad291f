import 'reflect-metadata';
import { createBankApp } from './app';
import { configFromEnv } from './config';

async function main(): Promise<void> {
  const config = configFromEnv();
  const app = await createBankApp(config);
  await app.listen(config.port, '0.0.0.0');
  console.log(`banking-ledger listening on http://localhost:${config.port} (engine: ${config.engine})`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
