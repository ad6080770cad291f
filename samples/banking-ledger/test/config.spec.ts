import { join } from 'path';
import { configFromEnv } from '../src/config';

describe('configFromEnv', () => {
  it('defaults to the embedded engine on port 3000 with data under ./data', () => {
    expect(configFromEnv({})).toEqual({
      port: 3000,
      engine: 'sqlite',
      sqliteFile: join(process.cwd(), 'data', 'banking-ledger.db'),
      kafkaBrokers: [],
      databaseUrl: undefined,
      kafkaNamespace: undefined,
      concurrencyRetries: 10,
    });
  });

  it('reads the Kafka engine settings', () => {
    const config = configFromEnv({
      EVENTLINE_ENGINE: 'kafka',
      KAFKA_BROKERS: ' a:9092, b:9092 ,',
      DATABASE_URL: 'postgres://db/ledger',
      PORT: '8080',
      EVENTLINE_KAFKA_NAMESPACE: 'ledger-staging',
    });
    expect(config).toMatchObject({ engine: 'kafka', kafkaBrokers: ['a:9092', 'b:9092'], port: 8080, kafkaNamespace: 'ledger-staging' });
  });

  it.each([
    [{ EVENTLINE_ENGINE: 'mongo' }, /EVENTLINE_ENGINE must be "sqlite" or "kafka"/],
    [{ EVENTLINE_ENGINE: 'kafka', DATABASE_URL: 'postgres://db' }, /needs KAFKA_BROKERS .* and DATABASE_URL/],
    [{ EVENTLINE_ENGINE: 'kafka', KAFKA_BROKERS: 'a:9092' }, /needs KAFKA_BROKERS .* and DATABASE_URL/],
    [{ PORT: 'http' }, /PORT must be a TCP port number/],
    [{ EVENTLINE_CONCURRENCY_RETRIES: '-1' }, /EVENTLINE_CONCURRENCY_RETRIES must be a whole number/],
  ])('refuses %j with a message that says what to set', (env, message) => {
    expect(() => configFromEnv(env)).toThrow(message);
  });
});
