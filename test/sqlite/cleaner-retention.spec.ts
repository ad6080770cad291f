import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanerMatchesModel } from './cleaner-property';

const dir = mkdtempSync(join(tmpdir(), 'eventline-retention-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sqlite log cleaner: retention (property)', () => {
  it('cuts expired records from each partition start and moves the log start offset to the first survivor', () =>
    cleanerMatchesModel(dir, ['delete'], 100));

  it('applies retention then compaction on compact,delete topics', () =>
    cleanerMatchesModel(dir, ['compact,delete'], 100));
});
