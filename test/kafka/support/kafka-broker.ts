/**
 * The broker the Kafka suites run against. KAFKA_BROKERS wins; otherwise, when Java is on the
 * machine, the local broker of scripts/kafka is started once per Jest run (a file marker tells
 * the global teardown to stop it again, by the pid kafka.sh recorded). Without a broker the suites
 * are skipped loudly — except under CI=true, where a missing broker fails the run.
 */
import { execFileSync, spawnSync } from 'child_process';
import { writeFileSync } from 'fs';
import { join } from 'path';

export const KAFKA_SH = join(__dirname, '../../../scripts/kafka/kafka.sh');
/** Set by the global setup: the file whose existence means "this Jest run started the broker". */
export const STARTED_MARKER_ENV = 'EVENTLINE_KAFKA_STARTED_MARKER';

export type BrokerAvailability = { brokers: string; skipReason?: undefined } | { brokers?: undefined; skipReason: string };

let resolved: BrokerAvailability | undefined;

/** Resolves (and caches) the brokers for this worker; starts the local broker when needed. */
export function kafkaBrokers(): BrokerAvailability {
  resolved ??= resolve();
  return resolved;
}

function resolve(): BrokerAvailability {
  if (process.env.KAFKA_BROKERS) return { brokers: process.env.KAFKA_BROKERS };
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (java.error || java.status !== 0) {
    return { skipReason: 'KAFKA_BROKERS is not set and no `java` is on the PATH to start the local broker' };
  }
  const wasRunning = spawnSync(KAFKA_SH, ['status'], { stdio: 'ignore' }).status === 0;
  try {
    const out = execFileSync(KAFKA_SH, ['start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
    const brokers = /KAFKA_BROKERS=(\S+)/.exec(out)?.[1];
    if (!brokers) return { skipReason: `kafka.sh start printed no KAFKA_BROKERS line: ${out}` };
    const marker = process.env[STARTED_MARKER_ENV];
    if (!wasRunning && marker) writeFileSync(marker, brokers);
    process.env.KAFKA_BROKERS = brokers;
    return { brokers };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    return { skipReason: `scripts/kafka/kafka.sh start failed: ${stderr.trim().split('\n').slice(-5).join(' | ')}` };
  }
}

/**
 * `describe` when a broker is there, `describe.skip` with a loud warning when not; throws under
 * CI=true so a CI run without Kafka cannot pass by skipping.
 *
 * @example
 * const brokers = requireKafka('KafkaEventLog contract'); // undefined → skip
 */
export function requireKafka(suite: string): string | undefined {
  const availability = kafkaBrokers();
  if (availability.brokers) return availability.brokers;
  const message = `Kafka suite "${suite}" SKIPPED: ${availability.skipReason}. Set KAFKA_BROKERS=host:port or install Java 17 (scripts/kafka/README.md).`;
  if (process.env.CI === 'true') throw new Error(`${message} CI=true: a missing broker fails the run.`);
  console.warn(`\n${'!'.repeat(100)}\n${message}\n${'!'.repeat(100)}\n`);
  return undefined;
}

/** `describe` if Kafka is available, else a skipped `describe` (see requireKafka). */
export function describeKafka(name: string, body: (brokers: string) => void): void {
  const brokers = requireKafka(name);
  if (brokers) describe(name, () => body(brokers));
  else describe.skip(name, () => it('needs a Kafka broker', () => undefined));
}
