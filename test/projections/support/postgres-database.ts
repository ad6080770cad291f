import { execFileSync } from 'node:child_process';
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

/** A fresh, empty PostgreSQL database on SERVER; `drop` removes it (with any open connections). */
export interface TestDatabase {
  readonly name: string;
  /** A postgres:// URL for it (DATABASE_URL). */
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * Creates `<prefix><random>`. EVENTLINE_TEST_PG_PREFIX, when set, replaces `defaultPrefix`, so
 * people sharing one server tell their databases apart.
 */
export async function createTestDatabase(defaultPrefix: string): Promise<TestDatabase> {
  const prefix = process.env.EVENTLINE_TEST_PG_PREFIX ?? defaultPrefix;
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix))
    throw new Error(`EVENTLINE_TEST_PG_PREFIX must be a plain lower-case SQL name, got "${prefix}".`);
  const name = `${prefix}${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return {
    name,
    url: `postgres://${SERVER.user}@${SERVER.host}:${SERVER.port}/${name}`,
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** A fresh PostgreSQL database for one fixture, dropped on dispose. */
export async function postgresTarget(): Promise<ReadModelTarget> {
  const database = await createTestDatabase('eventline_projections_');
  return {
    options: () => ({
      type: 'postgres',
      host: SERVER.host,
      port: SERVER.port,
      username: SERVER.user,
      database: database.name,
      poolSize: 4,
    }),
    dispose: database.drop,
  };
}

let probed: string | null | undefined;

/** Why PostgreSQL cannot be used (null: it answers). Probed once, synchronously, so describe blocks can branch. */
function postgresUnavailableReason(): string | null {
  if (probed !== undefined) return probed;
  const probe = `const { Client } = require('pg');
    const c = new Client(${JSON.stringify({ ...SERVER, database: 'postgres', connectionTimeoutMillis: 3000 })});
    c.connect().then(() => c.end()).catch((e) => { console.error(e.message); process.exit(1); });`;
  try {
    execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
    probed = null;
  } catch (error) {
    probed = ((error as { stderr?: string }).stderr ?? String(error)).trim() || 'no answer';
  }
  return probed;
}

/**
 * `describe` when PostgreSQL answers on SERVER; otherwise a skipped `describe` with a loud warning,
 * or a thrown error under CI=true, so a CI run without its database cannot pass by skipping.
 */
export function describePostgres(name: string, body: () => void): void {
  const reason = postgresUnavailableReason();
  if (reason === null) return describe(name, body);
  const message = `PostgreSQL suite "${name}" SKIPPED: ${SERVER.host}:${SERVER.port} (user ${SERVER.user}) does not answer (${reason}). Start PostgreSQL or set PGHOST/PGPORT/PGUSER.`;
  if (process.env.CI === 'true') throw new Error(`${message} CI=true: a missing database fails the run.`);
  console.warn(`\n${'!'.repeat(100)}\n${message}\n${'!'.repeat(100)}\n`);
  describe.skip(name, () => it('needs PostgreSQL', () => undefined));
}
