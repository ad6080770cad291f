import { randomBytes } from 'crypto';
import { RunningBank, startBank, tempBankFile } from './bank-app';
import { createPostgresBankDatabase } from './postgres-bank-database';

/**
 * One deployment of the service with its own, empty data: any number of instances start on it
 * (at once, as several processes would, or one after the other, as after a restart).
 */
export interface BankDeployment {
  /** A running instance on this deployment's data; `env` adds service settings (e.g. EVENTLINE_CONCURRENCY_RETRIES). */
  start(env?: NodeJS.ProcessEnv): Promise<RunningBank>;
  /** Removes what the deployment created where that is cheap (its PostgreSQL database). */
  dispose(): Promise<void>;
}

export type BankDeployments = () => Promise<BankDeployment>;

/** The embedded engine: one SQLite file in a fresh directory. */
export const sqliteDeployments: BankDeployments = async () => {
  const file = tempBankFile();
  return { start: (env = {}) => startBank(file, env), dispose: async () => undefined };
};

/**
 * The Kafka engine with PostgreSQL read models: a fresh Kafka namespace (its own topics, groups
 * and write lease on the shared broker) and a fresh database. The namespace's topics stay on the
 * broker: a test broker's data lives in a temporary directory.
 */
export function kafkaDeployments(brokers: string): BankDeployments {
  return async () => {
    const database = await createPostgresBankDatabase();
    const namespace = `bank-e2e-${process.pid}-${randomBytes(4).toString('hex')}`;
    const env = { EVENTLINE_ENGINE: 'kafka', KAFKA_BROKERS: brokers, DATABASE_URL: database.url, EVENTLINE_KAFKA_NAMESPACE: namespace };
    return { start: (more = {}) => startBank(undefined, { ...env, ...more }), dispose: () => database.drop() };
  };
}
