import { createTestDatabase, TestDatabase } from '../../../../test/projections/support/postgres-database';

/** A fresh PostgreSQL database for the service's read models (kafka engine): `url` is its DATABASE_URL. */
export type PostgresBankDatabase = TestDatabase;

/** `eventline_bank_<random>`, or EVENTLINE_TEST_PG_PREFIX's prefix (one variable for every suite). */
export function createPostgresBankDatabase(): Promise<PostgresBankDatabase> {
  return createTestDatabase('eventline_bank_');
}
