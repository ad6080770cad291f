import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ReadModelTarget } from './ledger-fixture';

const SERVER = {
  host: process.env.PGHOST ?? '127.0.0.1',
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? 'postgres',
};

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ ...SERVER, database: 'postgres' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh PostgreSQL database for one fixture, dropped (with any open connections) on dispose. */
export async function postgresTarget(): Promise<ReadModelTarget> {
  const database = `eventline_projections_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${database}`));
  return {
    options: () => ({
      type: 'postgres',
      host: SERVER.host,
      port: SERVER.port,
      username: SERVER.user,
      database,
      poolSize: 4,
    }),
    dispose: () =>
      admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).then(() => undefined),
  };
}
