/**
 * A Kafka broker of one suite's own (scripts/kafka/kafka.sh on a temporary directory and free
 * ports), for suites that stop and restart the broker: doing that to the shared broker would
 * disturb every other suite of the run.
 */
import { execFile, spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import { KAFKA_SH } from './kafka-broker';

const run = promisify(execFile);

export class DedicatedBroker {
  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  /** `host:port` for KAFKA_BROKERS. */
  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  /**
   * Formats and starts a new single-node cluster on a free pair of ports (broker, controller) from
   * EVENTLINE_DEDICATED_KAFKA_PORT (default 29192) plus an offset from the pid, so that suites
   * starting brokers at the same time (Jest workers) rarely pick the same pair; if they still do,
   * the loser's start fails the cluster check and it tries the next pair.
   */
  static async start(): Promise<DedicatedBroker> {
    const base = Number(process.env.EVENTLINE_DEDICATED_KAFKA_PORT ?? 29192) + 2 * (process.pid % 50);
    let failure: unknown;
    for (let attempt = 0, from = base; attempt < 5; attempt++) {
      const port = await freePortPair(from);
      const broker = new DedicatedBroker(port, mkdtempSync(join(tmpdir(), 'eventline-kafka-dedicated-')));
      try {
        await broker.kafkaSh('start', '--fresh');
        await broker.checkAnswering();
        return broker;
      } catch (error) {
        failure = error;
        await broker.dispose();
        from = port + 2;
      }
    }
    throw failure;
  }

  /** Starts the broker again on the same data directory (after `stop`). */
  async restart(): Promise<void> {
    await this.kafkaSh('start');
    await this.checkAnswering();
  }

  /**
   * The broker on the port is this one: its cluster id is the one formatted into our data dir
   * (another suite's broker answering on a port we lost the race for would pass kafka.sh's probe).
   */
  private async checkAnswering(): Promise<void> {
    const meta = readFileSync(join(this.dir, 'data', 'meta.properties'), 'utf8');
    const clusterId = /^cluster\.id=(.+)$/m.exec(meta)?.[1]?.trim();
    const { stdout } = await run(KAFKA_SH, ['status', '--dir', this.dir], {
      env: { ...process.env, KAFKA_PORT: String(this.port) },
      timeout: 30_000,
    });
    if (!clusterId || !stdout.includes(`cluster ${clusterId}`)) {
      throw new Error(`The broker on port ${this.port} is not the one of ${this.dir}: ${stdout.trim()}`);
    }
  }

  /** Controlled shutdown of this broker only (kafka.sh signals the pid it recorded for this dir). */
  async stop(): Promise<void> {
    await this.kafkaSh('stop');
  }

  /** Stops the broker and deletes its directory. */
  async dispose(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async kafkaSh(command: 'start' | 'stop', ...args: string[]): Promise<void> {
    try {
      await run(KAFKA_SH, [command, '--dir', this.dir, ...args], {
        env: { ...process.env, KAFKA_PORT: String(this.port) },
        timeout: 180_000,
      });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? String(error);
      throw new Error(`kafka.sh ${command} (port ${this.port}, ${this.dir}) failed: ${stderr.trim()}`);
    }
  }
}

/**
 * Why a dedicated broker cannot be started here (null: it can). Under CI=true a reason throws, so
 * a CI run cannot pass by skipping.
 */
export function dedicatedBrokerUnavailable(suite: string): string | null {
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (!java.error && java.status === 0) return null;
  const message = `Kafka suite "${suite}" SKIPPED: it starts a broker of its own and needs \`java\` (17+) on the PATH (scripts/kafka/README.md).`;
  if (process.env.CI === 'true') throw new Error(`${message} CI=true: a missing broker fails the run.`);
  console.warn(`\n${'!'.repeat(100)}\n${message}\n${'!'.repeat(100)}\n`);
  return message;
}

async function freePortPair(from: number): Promise<number> {
  for (let port = from; port < from + 200; port += 2) {
    if ((await bindable(port)) && (await bindable(port + 1))) return port;
  }
  throw new Error(`No two free consecutive ports in ${from}..${from + 200} for a dedicated Kafka broker.`);
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
