import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { SqliteEventLog } from '@eventline/sqlite';

/** A log on a fresh temp file with a clock the test moves by hand. */
export interface GroupsFixture {
  readonly log: SqliteEventLog;
  readonly file: string;
  now: number;
  advance(ms: number): void;
  dispose(): Promise<void>;
}

export function openGroupsFixture(): GroupsFixture {
  const dir = mkdtempSync(join(tmpdir(), 'eventline-groups-'));
  const file = join(dir, 'log.db');
  const fixture: GroupsFixture = {
    file,
    now: 1_700_000_000_000,
    log: SqliteEventLog.open({ file, clock: () => fixture.now }),
    advance(ms: number) {
      fixture.now += ms;
    },
    async dispose() {
      await fixture.log.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}
