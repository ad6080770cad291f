/** Jest global setup: names the marker file a Kafka suite writes when it starts the local broker. */
import { tmpdir } from 'os';
import { join } from 'path';
import { STARTED_MARKER_ENV } from './kafka-broker';

export default function globalSetup(): void {
  process.env[STARTED_MARKER_ENV] ??= join(tmpdir(), `eventline-kafka-started-by-jest-${process.pid}`);
}
