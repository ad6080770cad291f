import { ChildProcess, spawn } from 'child_process';
import { createServer } from 'net';
import { join } from 'path';
import { LedgerClient, Send } from './ledger-client';

const REPO = join(__dirname, '..', '..', '..', '..');
const MAIN = join(REPO, 'samples', 'banking-ledger', 'src', 'main.ts');

/** The service as a separate OS process (like `npm run sample`), on its own port. */
export interface ChildBank {
  readonly process: ChildProcess;
  readonly client: LedgerClient;
  readonly output: () => string;
  /** SIGKILL: no shutdown hook runs, batches and requests in flight are cut off. */
  kill(): Promise<void>;
  /** SIGTERM: a graceful stop (projections finish their batch, the log closes). */
  stop(): Promise<void>;
}

export async function startChildBank(file: string, env: NodeJS.ProcessEnv = {}): Promise<ChildBank> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', MAIN], {
    cwd: REPO,
    env: {
      ...process.env,
      ...env,
      TS_NODE_TRANSPILE_ONLY: '1',
      PORT: String(port),
      EVENTLINE_SQLITE_FILE: file,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const client = new LedgerClient(fetchSend(`http://127.0.0.1:${port}`));
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  try {
    await waitForHealth(client, () => child.exitCode !== null);
  } catch (error) {
    await end('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return {
    process: child,
    client,
    output: () => output,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
}

/** The contract's calls over fetch; a connection cut off by a crash rejects. */
export function fetchSend(base: string): Send {
  return async (method, path, body, headers = {}) => {
    const response = await fetch(base + path, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };
}

async function waitForHealth(client: LedgerClient, exited: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited()) throw new Error('The service exited during start-up.');
    const reply = await client.send('GET', '/health').catch(() => undefined);
    if (reply?.status === 200) return;
    if (Date.now() > deadline) throw new Error('The service did not become healthy in time.');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
