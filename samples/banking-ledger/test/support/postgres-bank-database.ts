import { randomBytes } from 'crypto';
import { Client } from 'pg';

const SERVER = {
  host: process.env.PGHOST ?? '127.0.0.1',
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? 'postgres',
};

/** A fresh PostgreSQL database for the service's read models (kafka engine), dropped by `drop`. */
export interface PostgresBankDatabase {
  /** DATABASE_URL for the service. */
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * Creates `<prefix><random>`; the prefix is EVENTLINE_TEST_PG_PREFIX (default `eventline_bank_`; the
 * same variable as test/projections' databases), so people sharing one server tell theirs apart.
 */
export async function createPostgresBankDatabase(): Promise<PostgresBankDatabase> {
  const prefix = process.env.EVENTLINE_TEST_PG_PREFIX ?? 'eventline_bank_';
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) {
    throw new Error(
      `EVENTLINE_TEST_PG_PREFIX must be lower-case letters, digits and _, not "${prefix}".`,
    );
  }
  const name = `${prefix}${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return {
    url: `postgres://${SERVER.user}@${SERVER.host}:${SERVER.port}/${name}`,
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ ...SERVER, database: 'postgres' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
