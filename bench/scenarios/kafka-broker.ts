import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** scripts/kafka/kafka.sh, which runs a local broker and Kafka's own tools from the Maven jars. */
export const KAFKA_SH = path.join(__dirname, '..', '..', 'scripts', 'kafka', 'kafka.sh');

/** The broker to measure against: KAFKA_BROKERS, else the local one (started here, stopped by `release`). */
export function acquireBroker(progress: (m: string) => void): { brokers: string; release(): void } {
  if (process.env.KAFKA_BROKERS) return { brokers: process.env.KAFKA_BROKERS, release: () => undefined };
  const wasRunning = spawnSync(KAFKA_SH, ['status'], { stdio: 'ignore' }).status === 0;
  progress(wasRunning ? 'kafka: using the running local broker' : 'kafka: starting the local broker (scripts/kafka/kafka.sh)');
  const out = execFileSync(KAFKA_SH, ['start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const brokers = /KAFKA_BROKERS=(\S+)/.exec(out)?.[1];
  if (!brokers) throw new Error(`kafka.sh start printed no KAFKA_BROKERS line: ${out}`);
  return {
    brokers,
    // kafka.sh stop signals only the pid it recorded when it started the broker.
    release: () => void (wasRunning || execFileSync(KAFKA_SH, ['stop'], { stdio: 'ignore' })),
  };
}

/** Runs a Kafka tool class (`kafka.sh run-class`) and returns its stdout. */
export function runKafkaTool(main: string, args: readonly string[]): string {
  return execFileSync(KAFKA_SH, ['run-class', main, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 << 20 });
}
