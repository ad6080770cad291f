import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The peer frameworks live in bench/peers/node_modules, installed from bench/peers/package-lock.json
 * on demand — never into the root install (@ocoda/event-sourcing needs NestJS 10, Eventline 11;
 * emmett-sqlite needs the native sqlite3 module, which compiles here in about a minute and a half).
 */
export const PEERS_DIR = path.resolve(__dirname, '..', 'peers');

const REQUIRED = [
  '@event-driven-io/emmett-sqlite/package.json',
  '@event-driven-io/emmett-postgresql/package.json',
  '@ocoda/event-sourcing/package.json',
  'sqlite3/build/Release/node_sqlite3.node',
];

export function peersInstalled(): boolean {
  return REQUIRED.every((file) => fs.existsSync(path.join(PEERS_DIR, 'node_modules', file)));
}

/** `npm ci` in bench/peers (compiles sqlite3 against the local Node headers). Throws with npm's output on failure. */
export function installPeers(progress: (line: string) => void): void {
  progress(
    `installing peers into ${path.relative(process.cwd(), PEERS_DIR)}/node_modules (npm ci; a few minutes)`,
  );
  const started = Date.now();
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: PEERS_DIR,
    env: { ...process.env, npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr' },
    encoding: 'utf8',
    timeout: 15 * 60_000,
  });
  if (result.status !== 0 || !peersInstalled()) {
    throw new Error(
      `Installing the benchmark peers failed (npm ci in bench/peers, exit ${result.status}). Run it by hand to see why:\n` +
        `  cd bench/peers && npm_config_nodedir=/usr npm ci\n${(result.stderr ?? '').slice(-2000)}`,
    );
  }
  progress(`peers installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
