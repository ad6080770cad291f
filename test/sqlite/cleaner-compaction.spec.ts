import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanerMatchesModel } from './cleaner-property';

const dir = mkdtempSync(join(tmpdir(), 'eventline-compaction-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sqlite log cleaner: compaction (property)', () => {
  it('keeps exactly the latest record per key per partition, minus expired tombstones, plus the min.compaction.lag head', () =>
    cleanerMatchesModel(dir, ['compact'], 120));
});
