import { join } from 'path';

export interface BankConfig {
  readonly port: number;
  readonly engine: 'sqlite' | 'kafka';
  /** The embedded log; read models go to a second file beside it (`<name>.read-models.db`). */
  readonly sqliteFile: string;
  readonly kafkaBrokers: readonly string[];
  readonly databaseUrl: string | undefined;
  /** Prefix of every Kafka name of this service (topics, groups, write lease); several deployments share one cluster. */
  readonly kafkaNamespace: string | undefined;
  /** How often a command that lost a race is re-run on fresh state before answering 409. */
  readonly concurrencyRetries: number;
}

/** The service's configuration, from environment variables only (twelve-factor style). */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): BankConfig {
  const engine = env.EVENTLINE_ENGINE ?? 'sqlite';
  if (engine !== 'sqlite' && engine !== 'kafka') {
    throw new Error(`EVENTLINE_ENGINE must be "sqlite" or "kafka", not "${engine}".`);
  }
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a TCP port number, not "${env.PORT}".`);
  }
  const kafkaBrokers = (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (engine === 'kafka' && (kafkaBrokers.length === 0 || !env.DATABASE_URL)) {
    throw new Error(
      'EVENTLINE_ENGINE=kafka needs KAFKA_BROKERS (host:port,...) and DATABASE_URL (postgres://... for the read models).',
    );
  }
  const concurrencyRetries = Number(env.EVENTLINE_CONCURRENCY_RETRIES ?? 10);
  if (!Number.isInteger(concurrencyRetries) || concurrencyRetries < 0) {
    throw new Error(
      `EVENTLINE_CONCURRENCY_RETRIES must be a whole number, not "${env.EVENTLINE_CONCURRENCY_RETRIES}".`,
    );
  }
  return {
    port,
    engine,
    sqliteFile: env.EVENTLINE_SQLITE_FILE ?? join(process.cwd(), 'data', 'banking-ledger.db'),
    kafkaBrokers,
    databaseUrl: env.DATABASE_URL,
    kafkaNamespace: env.EVENTLINE_KAFKA_NAMESPACE || undefined,
    concurrencyRetries,
  };
}
