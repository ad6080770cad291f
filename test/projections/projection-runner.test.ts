import { describeReadModelStore } from './read-model-store-contract';
import { LedgerFixture } from './support/ledger-fixture';

describeReadModelStore('SQLite', async () => new LedgerFixture());
