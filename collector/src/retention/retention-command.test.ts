import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { formatRetentionReport } from './retention-command';
import type { RetentionRunReport } from './retention-job';

const report = (dryRun: boolean): RetentionRunReport => ({
  dryRun,
  pinnedIds: 0,
  postgres: {
    dryRun,
    days: 7,
    partitionsCreated: dryRun ? ['journal_event_p20250110'] : 1,
    actions: [{ partition: 'journal_event_p20241220', day: '2024-12-20', rows: 40, archivedRows: 3 }],
    defaultPartition: { before: '2025-01-01', deletedRows: 12, archivedRows: 2 },
  },
});

describe('formatRetentionReport', () => {
  it("prints the default partition's expired rows next to the dropped partitions", () => {
    assert.deepEqual(formatRetentionReport(report(false)), [
      'postgres: created 1 journal partition(s) ahead; keeping 7 days',
      'postgres: dropped journal_event_p20241220 (40 rows, 3 archived for pinned runs)',
      'postgres: deleted 12 row(s) of journal_event_default before 2025-01-01 (2 archived for pinned runs)',
    ]);
  });

  it('says what a dry run would delete', () => {
    assert.equal(
      formatRetentionReport(report(true))[2],
      'postgres: would delete 12 row(s) of journal_event_default before 2025-01-01 (2 archived for pinned runs)',
    );
  });
});
