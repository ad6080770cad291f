/**
 * `npm run bench`                 every scenario, full size
 * `npm run bench -- log`          one scenario (several names allowed)
 * `npm run bench -- --quick`      small sizes, 3 repetitions: a smoke run
 * `npm run bench -- --reps 7 --warmups 2 --no-json --list --help`
 */
import { runBench, scenarioNames } from './harness';
import { BenchSize } from './types';

function usage(): string {
  return [
    'Usage: npm run bench -- [scenario ...] [--quick | --tiny] [--reps N] [--warmups N] [--no-json] [--list]',
    `Scenarios: ${scenarioNames().join(', ')}`,
    'Tables go to stdout, progress to stderr, JSON to bench/results/<timestamp>-<scenario>.json.',
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const names: string[] = [];
  let size: BenchSize = 'full';
  let repetitions: number | undefined;
  let warmups: number | undefined;
  let json = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const number = (): number => {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value)) throw new Error(`${arg} needs a whole number.`);
      return value;
    };
    if (arg === '--quick') size = 'quick';
    else if (arg === '--tiny') size = 'tiny';
    else if (arg === '--reps') repetitions = number();
    else if (arg === '--warmups') warmups = number();
    else if (arg === '--no-json') json = false;
    else if (arg === '--list') return void process.stdout.write(`${scenarioNames().join('\n')}\n`);
    else if (arg === '--help' || arg === '-h') return void process.stdout.write(`${usage()}\n`);
    else if (arg.startsWith('-')) throw new Error(`Unknown option ${arg}.\n${usage()}`);
    else names.push(arg);
  }
  const started = Date.now();
  await runBench({ scenarios: names, size, repetitions, warmups, resultsDir: json ? undefined : null });
  process.stderr.write(`bench: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
