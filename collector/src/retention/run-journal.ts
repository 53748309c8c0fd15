import type { JournalRow } from '../sinks/postgres/rows';
import type { Queryable } from './pin-run';
import { retentionSql } from './sql-files';

/**
 * One journal event of a run as stored (the table's contract columns, `ts` as read back), with where
 * it was read from.
 */
export interface StoredJournalEvent extends Omit<JournalRow, 'ts' | 'schema_name' | 'schema_version'> {
  ts: Date;
  /** True when the row comes from the archive: its partition was dropped by retention. */
  archived: boolean;
}

/**
 * The journal events of run `runId`, oldest first: live rows, plus archived rows of a pinned run whose
 * partitions retention has dropped. Readers of a run (the API, the CLI) use this so a pinned run reads
 * the same before and after retention (as far as its pin mode kept it).
 */
export async function readRunJournal(db: Queryable, runId: string, limit = 10_000): Promise<StoredJournalEvent[]> {
  const { rows } = await db.query<StoredJournalEvent>(retentionSql('run-journal'), [runId, limit]);
  return rows;
}
