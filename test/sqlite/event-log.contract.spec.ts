import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventLog } from '@eventline/sqlite';
import { describeEventLogContract } from '../contract/event-log-contract';

const dir = mkdtempSync(join(tmpdir(), 'eventline-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeEventLogContract('sqlite', {
  open: async () => SqliteEventLog.open({ file: join(dir, 'log.db') }),
  clean: async (log, topic) => {
    await (log as SqliteEventLog).clean(topic);
  },
});
