import { describeReadModelStore } from './read-model-store-contract';
import { LedgerFixture } from './support/ledger-fixture';
import { describePostgres, postgresTarget } from './support/postgres-database';

// Each test gets its own database on the local server (127.0.0.1:5432, user postgres; PG* env vars override).
describePostgres('read-model store on PostgreSQL', () =>
  describeReadModelStore('PostgreSQL', async () => new LedgerFixture(await postgresTarget())),
);
