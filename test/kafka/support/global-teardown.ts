/** Jest global teardown: stops the local broker if (and only if) a suite of this run started it. */
import { execFileSync } from 'child_process';
import { existsSync, rmSync } from 'fs';
import { KAFKA_SH, STARTED_MARKER_ENV } from './kafka-broker';

export default function globalTeardown(): void {
  const marker = process.env[STARTED_MARKER_ENV];
  if (!marker || !existsSync(marker)) return;
  rmSync(marker, { force: true });
  // kafka.sh stop signals only the pid it wrote when it started the broker.
  execFileSync(KAFKA_SH, ['stop'], { stdio: 'inherit', timeout: 60_000 });
}
