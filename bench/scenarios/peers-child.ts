import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as path from 'node:path';

/**
 * Child processes of the `peers` and `scaling` scenarios: each measurement runs in a fresh
 * process (its own heap, RSS and node_modules) and reports one JSON line as its last stdout line.
 */
export const REPO = path.resolve(__dirname, '..', '..');

/** Node arguments that run a TypeScript file of this repository (the `@eventline/*` paths resolve). */
export function typescriptArgs(script: string, ...args: string[]): string[] {
  return ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', script, ...args];
}

export function startChild(args: readonly string[], cwd = REPO): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, TS_NODE_PROJECT: path.join(REPO, 'tsconfig.json') },
  });
}

/**
 * Resolves with the child's last stdout line parsed as JSON once it exits 0; `onLine` sees every
 * line as it comes (for a `ready` handshake). A child still running after `timeoutMs` is killed.
 */
export function childResult<T>(
  child: ChildProcessWithoutNullStreams,
  label: string,
  timeoutMs: number,
  onLine: (line: string) => void = () => undefined,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) {
        reject(new Error(`${label} failed (exit ${code}):\n${stderr.slice(-3000)}`));
      } else {
        resolve(JSON.parse(last) as T);
      }
    });
  });
}
