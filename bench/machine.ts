import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';

/** The facts a reader needs to judge a figure: the same code gives other numbers on other hardware. */
export interface MachineFacts {
  readonly cpuModel: string;
  readonly logicalCores: number;
  readonly ramGiB: number;
  readonly os: string;
  readonly kernel: string;
  readonly arch: string;
  readonly node: string;
  readonly v8: string;
  readonly sqlite: string;
  readonly betterSqlite3: string;
  readonly tmpDir: string;
  /** Filesystem type and device under os.tmpdir(), where the benchmark databases live (fsync cost depends on it). */
  readonly tmpFilesystem: string;
  readonly virtualized: string;
  /** 1/5/15-minute load averages when the facts were taken: other work on the machine skews every figure. */
  readonly loadAverage: readonly number[];
}

export function machineFacts(): MachineFacts {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    logicalCores: cpus.length,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: osName(),
    kernel: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    node: process.version,
    v8: process.versions.v8,
    sqlite: sqliteVersion(),
    betterSqlite3: packageVersion('better-sqlite3'),
    tmpDir: os.tmpdir(),
    tmpFilesystem: filesystemOf(os.tmpdir()),
    virtualized: hypervisor(),
    loadAverage: loadAverage(),
  };
}

export function machineFactsMarkdown(m: MachineFacts): string {
  return [
    `- CPU: ${m.cpuModel}, ${m.logicalCores} logical cores (${m.virtualized}); RAM ${m.ramGiB} GiB`,
    `- OS: ${m.os} (${m.kernel}, ${m.arch})`,
    `- Node ${m.node} (V8 ${m.v8}); SQLite ${m.sqlite} via better-sqlite3 ${m.betterSqlite3}`,
    `- Databases in ${m.tmpDir} on ${m.tmpFilesystem}`,
    `- Load average at start: ${m.loadAverage.join(' / ')} (1/5/15 min)${busyWarning(m.loadAverage[0], m.logicalCores)}`,
  ].join('\n');
}

export function loadAverage(): number[] {
  return os.loadavg().map((l) => Math.round(l * 100) / 100);
}

/** A warning when other processes keep the machine busy: the figures then measure the neighbours too. */
export function busyWarning(load1: number, cores: number): string {
  return load1 > cores * 0.5
    ? ` — **busy machine** (load ${load1.toFixed(1)} on ${cores} cores): figures are lower and noisier than on an idle one`
    : '';
}

function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return db.prepare('SELECT sqlite_version()').pluck().get() as string;
  } finally {
    db.close();
  }
}

function packageVersion(name: string): string {
  try {
    const file = require.resolve(`${name}/package.json`);
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function osName(): string {
  try {
    const release = fs.readFileSync('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release);
    if (pretty) return pretty[1];
  } catch {
    // not Linux, or no os-release: fall back to what Node knows
  }
  return `${os.type()} ${os.release()}`;
}

/** Longest mount point containing `dir`, from /proc/mounts (Linux only). */
function filesystemOf(dir: string): string {
  try {
    const real = fs.realpathSync(dir);
    let best: { mount: string; type: string; device: string } | undefined;
    for (const line of fs.readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [device, mount, type] = line.split(' ');
      if (!mount) continue;
      const inside = real === mount || real.startsWith(mount.endsWith(path.sep) ? mount : mount + path.sep);
      if (inside && (!best || mount.length > best.mount.length)) best = { mount, type, device };
    }
    return best ? `${best.type} (${best.device} at ${best.mount})` : 'unknown filesystem';
  } catch {
    return 'unknown filesystem';
  }
}

function hypervisor(): string {
  try {
    const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
    return /^flags\s*:.*\bhypervisor\b/m.test(cpuinfo) ? 'virtual machine' : 'bare metal';
  } catch {
    return 'unknown virtualization';
  }
}
